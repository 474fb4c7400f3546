import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors/app-error.ts';
import { HOUR } from '../kernel/clock.ts';
import { signedInUser, tokenFromLink, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import type { LinkKind } from './links-service.ts';

/** The one mechanism behind every emailed single-use link, tested on its own. */
let t: TestApp;
let user: SignedInUser;
let invitations: LinkKind;
let resets: LinkKind;

beforeAll(async () => {
  t = await createTestApp();
  user = await signedInUser(t, { tenantName: 'Links Tenant', username: 'link.user', role: 'Agent' });
  const links = t.deps.links;
  invitations = links.kind({ purpose: 'invitation', route: 'first-access', errors: { notFound: 'INVITATION_NOT_FOUND', expired: 'INVITATION_EXPIRED', used: 'INVITATION_USED', replaced: 'INVITATION_REVOKED' } });
  resets = links.kind({ purpose: 'password-reset', route: 'reset-password', errors: { notFound: 'RESET_LINK_NOT_FOUND', expired: 'RESET_LINK_EXPIRED', used: 'RESET_LINK_USED', replaced: 'RESET_LINK_USED' } });
});
afterAll(async () => t.close());

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> => {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
};

const createLink = async (kind: LinkKind, lifetimeMs = HOUR) =>
  t.deps.db.transaction().execute(async (trx) => {
    const created = await kind.create(trx, { tenantId: user.tenant.id, userId: user.userId, createdBy: null, expiresAt: new Date(t.clock.now().getTime() + lifetimeMs) });
    return { ...created, token: tokenFromLink(created.url) };
  });

describe('single-use links', () => {
  it('name their console route, store only a keyed hash of the 256-bit token, and belong to one purpose', async () => {
    const { token, url, link } = await createLink(invitations);
    expect(url).toBe(`${t.config.publicUrl.origin}/first-access/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await t.deps.db.selectFrom('single_use_links').selectAll().where('id', '=', link.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(Buffer.from(row.token_hash).toString('base64url')).not.toBe(token);
    await expect(invitations.describe(token)).resolves.toMatchObject({ id: link.id, purpose: 'invitation' });
    // An invitation token is no reset token.
    expect(await codeOf(resets.describe(token))).toBe('RESET_LINK_NOT_FOUND');
    expect(await codeOf(invitations.describe('A'.repeat(43)))).toBe('INVITATION_NOT_FOUND');
  });

  it('are consumed exactly once by 20 parallel callers, and then answer "used"', async () => {
    const { token, link } = await createLink(resets);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => codeOf(t.deps.db.transaction().execute((trx) => resets.consume(trx, token, link)))),
    );
    expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'RESET_LINK_USED')).toHaveLength(19);
    expect(await codeOf(resets.describe(token))).toBe('RESET_LINK_USED');
  });

  it('expire at their time, and a consume that crosses the expiry reports it', async () => {
    const { token, link } = await createLink(invitations, 1000);
    await expect(invitations.describe(token)).resolves.toBeTruthy();
    t.clock.advance(1000);
    expect(await codeOf(invitations.describe(token))).toBe('INVITATION_EXPIRED');
    expect(await codeOf(t.deps.db.transaction().execute((trx) => invitations.consume(trx, token, link)))).toBe('INVITATION_EXPIRED');
  });

  it('are replaced by a newer one of the same purpose only, and count the ones a person asked for', async () => {
    const older = await createLink(invitations);
    const reset = await createLink(resets);
    const since = t.clock.now();
    await t.deps.db.transaction().execute((trx) => invitations.replaceOpen(trx, user.userId, user.tenant.id));
    expect(await codeOf(invitations.describe(older.token))).toBe('INVITATION_REVOKED');
    await expect(resets.describe(reset.token)).resolves.toBeTruthy();
    expect(await resets.countSelfRequested(t.deps.db, user.userId, since)).toBe(1);
    expect(await resets.countSelfRequested(t.deps.db, user.userId, new Date(since.getTime() + 1))).toBe(0);
  });
});
