import type { Executor } from '../storage/db.ts';
import type { SingleUseLinkRow } from '../storage/database.ts';
import type { LinkPurpose, SingleUseLink } from './links.ts';

function toLink(row: SingleUseLinkRow): SingleUseLink {
  return {
    id: row.id,
    purpose: row.purpose as LinkPurpose,
    tenantId: row.tenant_id,
    userId: row.user_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    replacedAt: row.replaced_at,
  };
}

export async function insertLink(db: Executor, link: SingleUseLink, tokenHash: Buffer): Promise<void> {
  await db
    .insertInto('single_use_links')
    .values({
      id: link.id,
      purpose: link.purpose,
      tenant_id: link.tenantId,
      user_id: link.userId,
      token_hash: tokenHash,
      created_by: link.createdBy,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
      used_at: null,
      replaced_at: null,
    })
    .execute();
}

/** The link of this purpose with this token hash; a token of another purpose finds nothing. */
export async function findLinkByTokenHash(db: Executor, purpose: LinkPurpose, tokenHash: Buffer): Promise<SingleUseLink | undefined> {
  const row = await db.selectFrom('single_use_links').selectAll().where('token_hash', '=', tokenHash).where('purpose', '=', purpose).executeTakeFirst();
  return row === undefined ? undefined : toLink(row);
}

/** Uses a link if, and only if, it is pending at `now`: one conditional UPDATE, so of concurrent callers exactly one wins. */
export async function consumeLink(db: Executor, id: string, now: Date): Promise<SingleUseLink | undefined> {
  const row = await db
    .updateTable('single_use_links')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('replaced_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toLink(row);
}

/** Every open link of this purpose for the user (in the tenant, when given) stops working. */
export async function replaceOpenLinks(db: Executor, purpose: LinkPurpose, userId: string, tenantId: string | undefined, now: Date): Promise<void> {
  let query = db
    .updateTable('single_use_links')
    .set({ replaced_at: now })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('replaced_at', 'is', null);
  if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
  await query.execute();
}

/** Links of this purpose the user asked for themselves (no `created_by`) since `since`, whatever became of them. */
export async function countSelfRequestedLinks(db: Executor, purpose: LinkPurpose, userId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('single_use_links')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('created_by', 'is', null)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Uses the pending link of this purpose and user with this token hash, if there is one: one conditional UPDATE, so of concurrent callers exactly one wins. */
export async function consumeLinkByTokenHash(db: Executor, purpose: LinkPurpose, userId: string, tokenHash: Buffer, now: Date): Promise<SingleUseLink | undefined> {
  const row = await db
    .updateTable('single_use_links')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('replaced_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toLink(row);
}
