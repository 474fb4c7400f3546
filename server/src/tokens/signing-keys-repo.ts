import type { Executor } from '../storage/db.ts';
import type { SigningKeyRow } from '../storage/database.ts';

/** Keys still published at `now`, newest first. */
export async function listPublishedKeys(db: Executor, now: Date): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('publish_until', 'is', null), eb('publish_until', '>', now)]))
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

export async function insertSigningKey(db: Executor, row: SigningKeyRow): Promise<void> {
  await db
    .insertInto('signing_keys')
    .values({ ...row, public_jwk: JSON.stringify(row.public_jwk) })
    .execute();
}

export async function countSigningKeys(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('signing_keys')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('retired_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Stops every signing key from signing; each stays published until `publishUntil`. */
export async function retireSigningKeys(db: Executor, at: Date, publishUntil: Date): Promise<void> {
  await db.updateTable('signing_keys').set({ retired_at: at, publish_until: publishUntil }).where('retired_at', 'is', null).execute();
}
