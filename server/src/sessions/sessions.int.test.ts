import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalUsername } from '@lanyard/contracts/common';
import { HOUR, MINUTE, SECOND } from '../kernel/clock.ts';
import { findSignInRecord } from '../login/sign-in-read.ts';
import { login, roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let user: SignedInUser;

beforeAll(async () => {
  t = await createTestApp();
  user = await signedInUser(t, { tenantName: 'Sessions Tenant', username: 'anne.shirley', role: 'Agent' });
});
afterAll(async () => t.close());

const loginRequest = (payload: unknown, headers: Record<string, string> = { origin: testOrigin }) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers, payload: payload as Record<string, unknown> });

const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie whose value is stored only as a hash', async () => {
    const response = await loginRequest({ username: 'anne.shirley', password: strongPassword });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ mfaRequired: false, passwordChangeRequired: false, tenant: { id: user.tenant.id, name: 'Sessions Tenant' } });
    const cookie = response.cookies.find((entry) => entry.name === 'lanyard_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const sessions = await t.deps.db.selectFrom('sessions').selectAll().where('user_id', '=', user.userId).execute();
    for (const session of sessions) {
      expect(Buffer.from(session.token_hash).toString('base64url')).not.toBe(cookie?.value);
      expect(JSON.stringify(session)).not.toContain(cookie?.value);
    }
    expect((await me(`lanyard_session=${cookie?.value}`)).statusCode).toBe(200);
  });

  it('compares usernames after NFKC and case folding', async () => {
    await expect(login(t, 'ANNE.SHIRLEY')).resolves.toBeTruthy();
    await expect(login(t, 'ａｎｎｅ.ｓｈｉｒｌｅｙ')).resolves.toBeTruthy();
  });

  it('answers a wrong password, an unknown user and a not-yet-active user identically, after the same argon2 work', async () => {
    const tenant = user.tenant;
    const agent = await roleNamed(t, tenant.id, 'Agent');
    await t.deps.invitations.inviteUser(tenant.id, { username: 'pending.user', email: 'pending@example.test', firstName: 'P', lastName: 'U', roleId: agent.id });
    const attempts = [
      { username: 'anne.shirley', password: 'Wrong-Password-123' },
      { username: 'nobody.at.all', password: 'Wrong-Password-123' },
      { username: 'pending.user', password: 'Wrong-Password-123' },
    ];
    const bodies: unknown[] = [];
    for (const attempt of attempts) {
      const before = t.deps.hasherStats().verifications;
      const response = await loginRequest(attempt);
      expect(response.statusCode).toBe(401);
      expect(response.cookies).toHaveLength(0);
      expect(t.deps.hasherStats().verifications - before).toBe(1);
      const body = response.json();
      bodies.push({ ...body, error: { ...body.error, requestId: undefined } });
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect((bodies[0] as { error: { code: string } }).error.code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('refuses a user whose membership in their default tenant is gone, after the same argon2 work, and records why', async () => {
    const leaver = await signedInUser(t, { tenant: user.tenant, username: 'josie.pye', role: 'Agent' });
    await t.deps.db.deleteFrom('memberships').where('user_id', '=', leaver.userId).execute();
    const sessionsOf = async () => (await t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', leaver.userId).execute()).length;
    const sessionsBefore = await sessionsOf();
    const before = t.deps.hasherStats().verifications;
    const response = await loginRequest({ username: 'josie.pye', password: strongPassword });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(response.cookies).toHaveLength(0);
    expect(t.deps.hasherStats().verifications - before).toBe(1);
    const failure = await t.deps.db
      .selectFrom('audit_events')
      .select(['details'])
      .where('action', '=', 'auth.login.failed')
      .where('target_id', '=', leaver.userId)
      .executeTakeFirstOrThrow();
    expect(failure.details).toMatchObject({ reason: 'no-membership' });
    expect(await sessionsOf()).toBe(sessionsBefore);
  });

  it('reads the role, its permissions and the team of the default tenant in the sign-in read', async () => {
    const team = await t.deps.teams.createTeam(user.tenant.id, 'Night shift');
    await signedInUser(t, { tenant: user.tenant, username: 'diana.barry', role: 'Supervisor', teamId: team.id });
    const record = await findSignInRecord(t.deps.db, canonicalUsername('DIANA.BARRY'));
    expect(record?.user.username).toBe('diana.barry');
    expect(record?.membership).toMatchObject({ tenantId: user.tenant.id, role: { name: 'Supervisor' }, team: { id: team.id, name: 'Night shift' } });
    expect(record?.membership?.role.permissions.length).toBeGreaterThan(0);
    expect(record?.credential).toMatchObject({ userId: record?.user.id, failedLoginCount: 0, lockedUntil: null, passwordMustChange: false });
    expect(record?.credential.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await findSignInRecord(t.deps.db, canonicalUsername('nobody.at.all'))).toBeUndefined();
    // One statement: user, membership, role, team and the password credential together.
    const before = t.deps.statementCount();
    await findSignInRecord(t.deps.db, canonicalUsername('diana.barry'));
    expect(t.deps.statementCount() - before).toBe(1);
  });

  it('refuses malformed sign-in bodies with VALIDATION_FAILED', async () => {
    for (const payload of [{ username: 'anne.shirley' }, { username: 1, password: 'x' }, { username: 'a\u0000b', password: 'x' }, { username: 'a', password: 'x', remember: true }]) {
      const response = await loginRequest(payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('sessions', () => {
  it('ends after 30 minutes without use, and stays alive while used', async () => {
    const cookie = await login(t, 'anne.shirley');
    for (let step = 0; step < 4; step += 1) {
      t.clock.advance(29 * MINUTE);
      expect((await me(cookie)).statusCode).toBe(200);
    }
    t.clock.advance(30 * MINUTE + SECOND);
    const expired = await me(cookie);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('AUTH_SESSION_EXPIRED');
    // The expired session is gone for good.
    expect((await me(cookie)).json().error.code).toBe('AUTH_REQUIRED');
  });

  it('ends 12 hours after sign-in however active it is', async () => {
    const cookie = await login(t, 'anne.shirley');
    for (let elapsed = 0; elapsed < 12 * HOUR - 20 * MINUTE; elapsed += 20 * MINUTE) {
      t.clock.advance(20 * MINUTE);
      expect((await me(cookie)).statusCode, `after ${elapsed / MINUTE + 20} minutes`).toBe(200);
    }
    t.clock.advance(20 * MINUTE);
    const expired = await me(cookie);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('AUTH_SESSION_EXPIRED');
  });

  it('logs out: the session is deleted and the cookie cleared', async () => {
    const cookie = await login(t, 'anne.shirley');
    const before = await t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', user.userId).execute();
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, origin: testOrigin } });
    expect(response.statusCode).toBe(204);
    expect(response.cookies.find((entry) => entry.name === 'lanyard_session')?.value).toBe('');
    const after = await t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', user.userId).execute();
    expect(after).toHaveLength(before.length - 1);
    expect((await me(cookie)).json().error.code).toBe('AUTH_REQUIRED');
  });

  it('authenticates a request with one statement: the session, the user’s status and the role read together', async () => {
    const cookie = await login(t, 'anne.shirley');
    const token = cookie.slice(cookie.indexOf('=') + 1);
    const before = t.deps.statementCount();
    const principal = await t.deps.sessions.authenticate(token);
    expect(t.deps.statementCount() - before).toBe(1);
    expect(principal).toMatchObject({ kind: 'session', userId: user.userId, tenantId: user.tenant.id, roleId: (await roleNamed(t, user.tenant.id, 'Agent')).id });
    expect([...principal.permissions]).toContain('presence.use');
  });

  it('refuses requests without a session, or with a forged one', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me' })).json().error.code).toBe('AUTH_REQUIRED');
    expect((await me(`lanyard_session=${'x'.repeat(43)}`)).json().error.code).toBe('AUTH_REQUIRED');
  });
});

describe('cross-site request forgery', () => {
  it('refuses cookie-authenticated state changes from another origin or with no origin at all', async () => {
    const cookie = await login(t, 'anne.shirley');
    const logout = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, ...headers } });
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { referer: 'https://evil.example/page' }, {}]) {
      const response = await logout(headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json().error.code).toBe('CSRF_REJECTED');
    }
    expect((await me(cookie)).statusCode).toBe(200);
    // Referer is the fallback when a browser omits Origin.
    expect((await logout({ referer: `${testOrigin}/profile/general` })).statusCode).toBe(204);
  });

  it('refuses a sign-in posted from another origin (login CSRF) but lets scripts without Origin sign in', async () => {
    const foreign = await loginRequest({ username: 'anne.shirley', password: strongPassword }, { origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('CSRF_REJECTED');
    const script = await loginRequest({ username: 'anne.shirley', password: strongPassword }, {});
    expect(script.statusCode).toBe(200);
  });

  it('lets safe methods through from anywhere', async () => {
    const cookie = await login(t, 'anne.shirley');
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie, origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(200);
  });
});
