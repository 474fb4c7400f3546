import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncryptor } from '../kernel/encryption.ts';
import { deriveKey } from '../kernel/secrets.ts';
import { roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { codeFor, enrolTotp } from '../testing/mfa-journeys.ts';
import { createTestApp, strongPassword, type TestApp } from '../testing/test-app.ts';

/** SPEC §3.4 and §4b "Second factor (TOTP)": enrolment, confirmation, turning off, recovery codes, the MFA policy, the administrator's reset. */
const run = promisify(execFile);
let t: TestApp;
let admin: SignedInUser;
let otherAdmin: SignedInUser;
let userCount = 0;

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { tenantName: 'MFA Tenant', username: 'mfa.admin' });
  otherAdmin = await signedInUser(t, { tenantName: 'Other MFA Tenant', username: 'other.admin' });
});
afterAll(async () => t.close());

/** A fresh agent in the MFA tenant, signed in (each test gets its own, so they do not share a factor or a lockout count). */
const agent = () => signedInUser(t, { tenant: admin.tenant, username: `mfa.agent${++userCount}`, role: 'Agent' });

const inject = (user: Pick<SignedInUser, 'headers'>, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url, headers: user.headers, ...(payload === undefined ? {} : { payload }) });

const status = async (user: SignedInUser) => (await inject(user, 'GET', '/api/v1/me/mfa')).json();
const start = (user: SignedInUser, body: Record<string, unknown> = {}) => inject(user, 'POST', '/api/v1/me/mfa/totp', { currentPassword: strongPassword, ...body });
const confirm = (user: SignedInUser, code: string) => inject(user, 'POST', '/api/v1/me/mfa/totp/confirm', { code });
const totpRow = (userId: string) => t.deps.db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
const failedCount = async (userId: string) => (await t.deps.db.selectFrom('password_credentials').select('failed_login_count').where('user_id', '=', userId).executeTakeFirstOrThrow()).failed_login_count;
const setPolicy = (body: Record<string, unknown>, as: SignedInUser = admin) => inject(as, 'PUT', '/api/v1/admin/security/mfa-policy', body);
const defaultPolicy = { mode: 'optional', requiredRoleIds: [], allowedPeriods: [30] };

/** oathtool (RFC 6238 reference implementation, a Debian package) at the test clock's time. */
async function oathtool(secret: string, at: Date, period = 30): Promise<string> {
  const { stdout } = await run('oathtool', ['--totp', '-b', `--time-step-size=${period}s`, `--now=@${Math.floor(at.getTime() / 1000)}`, secret]);
  return stdout.trim();
}

describe('enrolment', () => {
  it('answers the status of a user without MFA', async () => {
    const user = await agent();
    expect(await status(user)).toEqual({ totp: { enabled: false, period: null, enrolledAt: null }, recoveryCodesRemaining: 0, required: false, allowedPeriods: [30], available: true });
  });

  it('needs the current password, and a wrong one counts toward the lockout and stores nothing', async () => {
    const user = await agent();
    const refused = await start(user, { currentPassword: 'Wrong-Password-123' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('CURRENT_PASSWORD_INCORRECT');
    expect(await failedCount(user.userId)).toBe(1);
    expect(await totpRow(user.userId)).toBeUndefined();
    const audit = await t.deps.db.selectFrom('audit_events').select(['action', 'result']).where('target_id', '=', user.userId).where('action', '=', 'mfa.enrolment.started').execute();
    expect(audit).toEqual([{ action: 'mfa.enrolment.started', result: 'failure' }]);
  });

  it('generates a 160-bit secret, a QR code and an otpauth URI; nothing is active until a code from oathtool confirms it', async () => {
    const user = await agent();
    const response = await start(user);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.period).toBe(30);
    expect(body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const uri = new URL(body.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(body.secret);
    expect(uri.searchParams.get('period')).toBe('30');
    expect((await status(user)).totp.enabled).toBe(false);

    const wrong = await confirm(user, codeFor(body.secret, new Date(t.clock.now().getTime() + 5 * 60_000)));
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.code).toBe('MFA_CODE_INVALID');
    expect((await status(user)).totp.enabled).toBe(false);

    const confirmed = await confirm(user, await oathtool(body.secret, t.clock.now()));
    expect(confirmed.statusCode).toBe(200);
    const { recoveryCodes } = confirmed.json();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await status(user)).toEqual({ totp: { enabled: true, period: 30, enrolledAt: t.clock.now().toISOString() }, recoveryCodesRemaining: 10, required: false, allowedPeriods: [30], available: true });
    expect(await t.deps.mfa.factorState(user.userId)).toEqual({ enabled: true, enrolledAt: t.clock.now() });
    expect(await t.deps.mfa.factorState(admin.userId)).toEqual({ enabled: false, enrolledAt: null });
    // The secret is never answered again: a second enrolment is refused while one is on.
    const again = await start(user);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('MFA_ALREADY_ENABLED');
    expect(JSON.stringify(await status(user))).not.toContain(body.secret);
    const audit = await t.deps.db.selectFrom('audit_events').select('action').where('target_id', '=', user.userId).where('action', '=', 'mfa.enabled').execute();
    expect(audit).toHaveLength(1);
  });

  it('accepts a code of the steps t−1, t and t+1 at confirmation and refuses t−2 and t+2', async () => {
    for (const offset of [-1, 0, 1]) {
      const user = await agent();
      const { secret } = (await start(user)).json();
      const now = t.clock.now().getTime();
      for (const refused of [-2, 2]) {
        const response = await confirm(user, codeFor(secret, new Date(now + refused * 30_000)));
        expect(response.json().error.code).toBe('MFA_CODE_INVALID');
      }
      const accepted = await confirm(user, codeFor(secret, new Date(now + offset * 30_000)));
      expect(accepted.statusCode).toBe(200);
    }
  });

  it('takes a typed secret of 16, 26 or 32 Base32 characters, spaces and lower case tolerated (seed 001’s way)', async () => {
    const user = await agent();
    for (const [typed, canonical] of [
      ['GEZDGNBVGY3TQOJQ', 'GEZDGNBVGY3TQOJQ'],
      ['abcd efgh ijkl mnop qrst uvwx yz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
      ['gezd gnbv gy3t qojq gezd gnbv gy3t qojq', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'],
    ] as const) {
      const response = await start(user, { secret: typed });
      expect(response.statusCode).toBe(200);
      expect(response.json().secret).toBe(canonical);
    }
    // The last one is pending: oathtool, given the secret as typed, computes a code it accepts.
    const confirmed = await confirm(user, await oathtool('gezdgnbvgy3tqojqgezdgnbvgy3tqojq', t.clock.now()));
    expect(confirmed.statusCode).toBe(200);
  });

  it.each([
    ['15 characters', 'GEZDGNBVGY3TQOJ'],
    ['33 characters', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQA'],
    ['a digit outside Base32', 'GEZDGNBVGY3TQOJ1'],
    ['padding', 'GEZDGNBVGY3TQOJQ===='],
    ['punctuation', 'GEZD-GNBV-GY3T-QOJQ'],
  ])('refuses a typed secret of %s with MFA_SECRET_INVALID, before the password is tried, storing nothing', async (_label, secret) => {
    const user = await agent();
    const response = await start(user, { secret });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('MFA_SECRET_INVALID');
    expect(await totpRow(user.userId)).toBeUndefined();
    expect(await failedCount(user.userId)).toBe(0);
  });

  it('refuses a period of 60 seconds unless the tenant allows it, and then uses it', async () => {
    const user = await agent();
    const refused = await start(user, { period: 60 });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('MFA_PERIOD_NOT_ALLOWED');
    expect(await totpRow(user.userId)).toBeUndefined();
    expect((await inject(user, 'POST', '/api/v1/me/mfa/totp', { currentPassword: strongPassword, period: 45 })).json().error.code).toBe('VALIDATION_FAILED');

    expect((await setPolicy({ ...defaultPolicy, allowedPeriods: [30, 60] })).statusCode).toBe(200);
    try {
      const started = await start(user, { period: 60 });
      expect(started.statusCode).toBe(200);
      const { secret, otpauthUri } = started.json();
      expect(new URL(otpauthUri).searchParams.get('period')).toBe('60');
      // Half a minute in, the 60-second code is still the one of this step; oathtool agrees.
      t.clock.advance(30_000);
      const code = await oathtool(secret, t.clock.now(), 60);
      expect(code).toBe(codeFor(secret, t.clock.now(), 60));
      expect((await confirm(user, code)).statusCode).toBe(200);
      expect((await status(user)).totp.period).toBe(60);
    } finally {
      await setPolicy(defaultPolicy);
    }
  });

  it('keeps the seed encrypted in the database and out of the logs', async () => {
    const user = await agent();
    const { secret } = await enrolTotp(t, user);
    const row = await totpRow(user.userId);
    if (row === undefined) throw new Error('no row');
    const seed = Buffer.from(codeSecretBytes(secret));
    const sealed = Buffer.from(row.secret_sealed);
    expect(sealed.includes(seed)).toBe(false);
    expect(sealed.toString('latin1')).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(secret);
    // AES-256-GCM under the master key, bound to this user's row.
    const encryptor = createEncryptor(deriveKey(Buffer.alloc(32, 7), 'mfa-totp'));
    expect(encryptor.decrypt(sealed, `mfa-totp:${user.userId}`)).toEqual(seed);
    expect(() => encryptor.decrypt(sealed, `mfa-totp:${admin.userId}`)).toThrow();
    const everything = await t.deps.db.selectFrom('audit_events').select('details').execute();
    expect(JSON.stringify(everything)).not.toContain(secret);
    expect(t.logLines().join('\n')).not.toContain(secret);
  });
});

/** The raw bytes of a Base32 secret (RFC 4648), decoded here independently of the module under test. */
function codeSecretBytes(base32: string): number[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of base32) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let index = 0; index + 8 <= bits.length; index += 8) bytes.push(Number.parseInt(bits.slice(index, index + 8), 2));
  return bytes;
}

describe('turning MFA off and new recovery codes', () => {
  it('needs the current password to turn MFA off', async () => {
    const user = await agent();
    await enrolTotp(t, user);
    const wrong = await inject(user, 'DELETE', '/api/v1/me/mfa/totp', { currentPassword: 'Wrong-Password-123' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('CURRENT_PASSWORD_INCORRECT');
    expect((await status(user)).totp.enabled).toBe(true);
    const missing = await inject(user, 'DELETE', '/api/v1/me/mfa/totp', {});
    expect(missing.json().error.code).toBe('VALIDATION_FAILED');
    const done = await inject(user, 'DELETE', '/api/v1/me/mfa/totp', { currentPassword: strongPassword });
    expect(done.statusCode).toBe(204);
    expect(await status(user)).toMatchObject({ totp: { enabled: false, period: null, enrolledAt: null }, recoveryCodesRemaining: 0 });
    expect(await totpRow(user.userId)).toBeUndefined();
    expect(await t.deps.db.selectFrom('mfa_recovery_codes').select('id').where('user_id', '=', user.userId).execute()).toEqual([]);
    const again = await inject(user, 'DELETE', '/api/v1/me/mfa/totp', { currentPassword: strongPassword });
    expect(again.json().error.code).toBe('MFA_NOT_ENROLLED');
  });

  it('makes ten new recovery codes with the password, replacing the old ones (stored as keyed hashes only)', async () => {
    const user = await agent();
    const { recoveryCodes: first } = await enrolTotp(t, user);
    expect((await inject(user, 'POST', '/api/v1/me/mfa/recovery-codes', { currentPassword: 'Wrong-Password-123' })).json().error.code).toBe('CURRENT_PASSWORD_INCORRECT');
    const response = await inject(user, 'POST', '/api/v1/me/mfa/recovery-codes', { currentPassword: strongPassword });
    expect(response.statusCode).toBe(200);
    const second: string[] = response.json().recoveryCodes;
    expect(second).toHaveLength(10);
    expect(second.filter((code) => first.includes(code))).toEqual([]);
    const rows = await t.deps.db.selectFrom('mfa_recovery_codes').selectAll().where('user_id', '=', user.userId).execute();
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows.map((row) => ({ ...row, code_hash: Buffer.from(row.code_hash).toString('hex') })));
    for (const code of [...first, ...second]) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace('-', ''));
    }
  });

  it('refuses new recovery codes to a user without MFA', async () => {
    const user = await agent();
    const response = await inject(user, 'POST', '/api/v1/me/mfa/recovery-codes', { currentPassword: strongPassword });
    expect(response.json().error.code).toBe('MFA_NOT_ENROLLED');
  });
});

describe('the MFA policy', () => {
  it('answers the default policy and needs security.policies.manage', async () => {
    expect((await inject(admin, 'GET', '/api/v1/admin/security/mfa-policy')).json()).toEqual(defaultPolicy);
    const user = await agent();
    expect((await inject(user, 'GET', '/api/v1/admin/security/mfa-policy')).json().error.code).toBe('PERMISSION_DENIED');
    expect((await setPolicy({ mode: 'off', requiredRoleIds: [], allowedPeriods: [30] }, user)).json().error.code).toBe('PERMISSION_DENIED');
  });

  it('refuses an inconsistent policy and another tenant’s role, changing nothing', async () => {
    const agentRole = await roleNamed(t, admin.tenant.id, 'Agent');
    const foreignRole = await roleNamed(t, otherAdmin.tenant.id, 'Agent');
    expect((await setPolicy({ mode: 'required', requiredRoleIds: [], allowedPeriods: [30] })).json().error.code).toBe('MFA_POLICY_INVALID');
    expect((await setPolicy({ mode: 'optional', requiredRoleIds: [agentRole.id], allowedPeriods: [30] })).json().error.code).toBe('MFA_POLICY_INVALID');
    const foreign = await setPolicy({ mode: 'required', requiredRoleIds: [foreignRole.id], allowedPeriods: [30] });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('ROLE_NOT_FOUND');
    expect((await setPolicy({ mode: 'optional', requiredRoleIds: [], allowedPeriods: [60] })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await setPolicy({ mode: 'sometimes', requiredRoleIds: [], allowedPeriods: [30] })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await inject(admin, 'GET', '/api/v1/admin/security/mfa-policy')).json()).toEqual(defaultPolicy);
  });

  it('stores a policy in the tenant’s settings, audited; "off" refuses new enrolments', async () => {
    const user = await agent();
    const off = { mode: 'off', requiredRoleIds: [], allowedPeriods: [30] };
    const response = await setPolicy(off);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(off);
    try {
      expect((await t.deps.tenants.getTenant(admin.tenant.id)).settings.mfaPolicy).toEqual(off);
      expect((await status(user)).available).toBe(false);
      const refused = await start(user);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('MFA_NOT_AVAILABLE');
      const audit = await t.deps.db.selectFrom('audit_events').select('details').where('tenant_id', '=', admin.tenant.id).where('action', '=', 'policy.changed').execute();
      expect(audit.some((row) => JSON.stringify(row.details).includes('"mode":"off"'))).toBe(true);
    } finally {
      await setPolicy(defaultPolicy);
    }
  });

  it('refuses to turn MFA off for a user whose role requires it', async () => {
    const user = await agent();
    await enrolTotp(t, user);
    const agentRole = await roleNamed(t, admin.tenant.id, 'Agent');
    expect((await setPolicy({ mode: 'required', requiredRoleIds: [agentRole.id], allowedPeriods: [30] })).statusCode).toBe(200);
    try {
      expect((await status(user)).required).toBe(true);
      const refused = await inject(user, 'DELETE', '/api/v1/me/mfa/totp', { currentPassword: strongPassword });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('MFA_REQUIRED_BY_POLICY');
      expect((await status(user)).totp.enabled).toBe(true);
    } finally {
      await setPolicy(defaultPolicy);
    }
  });
});

describe('an administrator’s MFA reset', () => {
  it('removes the member’s factor and recovery codes, audited; the user can enrol again', async () => {
    const user = await agent();
    await enrolTotp(t, user);
    // The administrator's view of the user shows the factor, then its removal.
    const detail = async () => (await inject(admin, 'GET', `/api/v1/admin/users/${user.userId}`)).json().mfa as { enabled: boolean; enrolledAt: string | null };
    const enrolled = await detail();
    expect(enrolled.enabled).toBe(true);
    expect(Date.parse(enrolled.enrolledAt ?? '')).not.toBeNaN();
    const response = await inject(admin, 'POST', `/api/v1/admin/users/${user.userId}/mfa-reset`);
    expect(response.statusCode).toBe(204);
    expect(await detail()).toEqual({ enabled: false, enrolledAt: null });
    expect(await status(user)).toMatchObject({ totp: { enabled: false }, recoveryCodesRemaining: 0 });
    const audit = await t.deps.db.selectFrom('audit_events').select(['actor_user_id', 'result']).where('target_id', '=', user.userId).where('action', '=', 'mfa.reset').execute();
    expect(audit).toEqual([{ actor_user_id: admin.userId, result: 'success' }]);
    expect((await start(user)).statusCode).toBe(200);
  });

  it('answers 404 to another tenant’s administrator and changes nothing', async () => {
    const user = await agent();
    await enrolTotp(t, user);
    const response = await inject(otherAdmin, 'POST', `/api/v1/admin/users/${user.userId}/mfa-reset`);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('USER_NOT_FOUND');
    expect((await status(user)).totp.enabled).toBe(true);
    expect((await inject(admin, 'POST', '/api/v1/admin/users/00000000-0000-7000-8000-000000000000/mfa-reset')).json().error.code).toBe('USER_NOT_FOUND');
  });

  it('needs users.edit', async () => {
    const user = await agent();
    const other = await agent();
    const response = await inject(user, 'POST', `/api/v1/admin/users/${other.userId}/mfa-reset`);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('PERMISSION_DENIED');
  });
});
