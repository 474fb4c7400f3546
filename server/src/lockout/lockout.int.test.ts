import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../kernel/clock.ts';
import { login, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { codeFor, enrolTotp, secondStep } from '../testing/mfa-journeys.ts';
import { createTestApp, strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

/**
 * The lockout is exact: an attempt reserves a slot of the window before its hash runs and only a wrong
 * password is counted (ADR 0009), so no burst, on any number of instances, gets more than the threshold's
 * worth of verifications of wrong passwords, and right passwords never fill the window.
 */
let t: TestApp;
let admin: SignedInUser;
let counter = 0;

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { tenantName: 'Lockout Tenant', username: 'lock.admin' });
});
afterAll(async () => t.close());

async function freshAgent(prefix: string): Promise<SignedInUser> {
  counter += 1;
  return signedInUser(t, { tenant: admin.tenant, username: `${prefix}.${counter}`, role: 'Agent' });
}

type Instance = Pick<TestApp, 'app' | 'deps'>;

const loginAttempt = (instance: Instance, username: string, password: string, remoteAddress: string) =>
  instance.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, remoteAddress, payload: { username, password } });

/** Verifications against a real hash (not the dummy one) done by these instances so far. */
const realVerifications = (instances: Instance[]) =>
  instances.reduce((sum, instance) => sum + instance.deps.hasherStats().verifications - instance.deps.hasherStats().dummyVerifications, 0);

const credentialRow = (userId: string) =>
  t.deps.db.selectFrom('password_credentials').select(['failed_login_count', 'locked_until']).where('user_id', '=', userId).executeTakeFirstOrThrow();

const auditActions = async (userId: string, action: string) =>
  t.deps.db.selectFrom('audit_events').select(['result', 'details']).where('target_id', '=', userId).where('action', '=', action).orderBy('id').execute();

/** Waits (bounded) until the account's count of verified failures reaches `count`. */
async function untilCounted(userId: string, count: number): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 5) {
    if ((await credentialRow(userId)).failed_login_count >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`attempt count never reached ${count}`);
}

describe('an exact lockout', () => {
  it('starts at most 6 real verifications for 50 parallel wrong attempts across two instances, and refuses the right password once 6 are counted', async () => {
    const agent = await freshAgent('burst');
    const second = await t.secondInstance();
    try {
      const instances: Instance[] = [t, second];
      const before = realVerifications(instances);
      const wrong = Array.from({ length: 50 }, (_, index) =>
        loginAttempt(instances[index % 2] as Instance, agent.username, `Wrong-Password-${index}`, `10.9.0.${index}`),
      );
      // The right password while the burst is still being verified, as soon as the threshold is counted.
      await untilCounted(agent.userId, 6);
      const right = await loginAttempt(second, agent.username, strongPassword, '10.9.1.1');
      const responses = await Promise.all(wrong);
      expect(right.statusCode).toBe(401);
      expect(right.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
      expect(right.cookies).toHaveLength(0);
      for (const response of responses) expect(response.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
      expect(realVerifications(instances) - before).toBe(6);

      // Only verified failures are counted: the 44 refused while locked were never verified.
      const row = await credentialRow(agent.userId);
      expect(row.failed_login_count).toBe(6);
      expect(row.locked_until?.getTime()).toBe(t.clock.now().getTime() + 30 * MINUTE);
      expect(await auditActions(agent.userId, 'auth.lockout')).toHaveLength(1);
      const failures = await auditActions(agent.userId, 'auth.login.failed');
      const reasons = failures.map((event) => (event.details as { reason: string }).reason);
      expect(reasons.filter((reason) => reason === 'wrong-password')).toHaveLength(6);
      expect(reasons.filter((reason) => reason === 'locked')).toHaveLength(45);
      // Every refusal cost the same argon2 work: locked attempts were verified against the dummy hash.
      expect((await loginAttempt(t, agent.username, strongPassword, '10.9.1.2')).statusCode).toBe(401);
      t.clock.advance(30 * MINUTE);
      await expect(login(t, agent.username)).resolves.toBeTruthy();
      expect(await credentialRow(agent.userId)).toEqual({ failed_login_count: 0, locked_until: null });
    } finally {
      await second.close();
    }
  });

  it('lets the right password through while fewer than 6 are counted, and a success starts the count afresh', async () => {
    const agent = await freshAgent('success');
    for (let index = 0; index < 5; index += 1) expect((await loginAttempt(t, agent.username, `Wrong-${index}-Password`, '10.9.2.1')).statusCode).toBe(401);
    expect((await credentialRow(agent.userId)).failed_login_count).toBe(5);
    await expect(login(t, agent.username)).resolves.toBeTruthy();
    expect(await credentialRow(agent.userId)).toEqual({ failed_login_count: 0, locked_until: null });
    for (let index = 0; index < 5; index += 1) expect((await loginAttempt(t, agent.username, `Wrong-${index}-Password`, '10.9.2.1')).statusCode).toBe(401);
    await expect(login(t, agent.username)).resolves.toBeTruthy();
  });

  it('counts wrong current passwords on change toward the same lockout', async () => {
    const agent = await freshAgent('change');
    const change = (currentPassword: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: { cookie: agent.cookie, origin: testOrigin },
        payload: { currentPassword, newPassword: 'Another-Strong-Passw0rd' },
      });
    for (let index = 0; index < 6; index += 1) expect((await change(`Not-My-Password-${index}`)).json().error.code).toBe('CURRENT_PASSWORD_INCORRECT');
    const before = realVerifications([t]);
    const locked = await change(strongPassword);
    expect(locked.statusCode).toBe(403);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(realVerifications([t]) - before).toBe(0);
    // The same counter: signing in is refused too, and the password did not change.
    expect((await loginAttempt(t, agent.username, strongPassword, '10.9.3.1')).statusCode).toBe(401);
    expect(await auditActions(agent.userId, 'auth.lockout')).toHaveLength(1);
    t.clock.advance(30 * MINUTE);
    await expect(login(t, agent.username)).resolves.toBeTruthy();
  });
});

/** Waits (bounded) until these instances have started `count` more verifications against a real hash than `before`. */
async function untilVerifying(instances: Instance[], before: number, count: number): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 2) {
    if (realVerifications(instances) - before >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`never ${count} real verifications`);
}

describe('right passwords under concurrency (issue 21)', () => {
  /** @see issue 21, item 1: in-flight right passwords were counted as failures and filled the window. */
  it('signs in all of 10 parallel right passwords after one wrong, across two instances, and locks nothing', async () => {
    const agent = await freshAgent('tabs');
    const second = await t.secondInstance();
    try {
      const instances: Instance[] = [t, second];
      expect((await loginAttempt(t, agent.username, 'Wrong-Password-Once', '10.9.4.1')).statusCode).toBe(401);
      const before = realVerifications(instances);
      const succeededBefore = (await auditActions(agent.userId, 'auth.login.succeeded')).length;
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) => loginAttempt(instances[index % 2] as Instance, agent.username, strongPassword, `10.9.4.${index + 10}`)),
      );
      expect(responses.map((response) => response.statusCode)).toEqual(Array.from({ length: 10 }, () => 200));
      for (const response of responses) expect(response.json()).toMatchObject({ mfaRequired: false });
      expect(realVerifications(instances) - before).toBe(10);
      expect(await credentialRow(agent.userId)).toEqual({ failed_login_count: 0, locked_until: null });
      expect(await auditActions(agent.userId, 'auth.lockout')).toHaveLength(0);
      expect(await auditActions(agent.userId, 'auth.login.succeeded')).toHaveLength(succeededBefore + 10);
    } finally {
      await second.close();
    }
  });

  /** @see issue 21, item 1: the second steps after such a burst answered 403 ACCOUNT_LOCKED. */
  it('answers ten mfaRequired to 10 parallel right passwords of a TOTP user after one wrong, and the second step then signs in', async () => {
    const agent = await freshAgent('softphone');
    const { secret } = await enrolTotp(t, agent);
    const second = await t.secondInstance();
    try {
      const instances: Instance[] = [t, second];
      expect((await loginAttempt(t, agent.username, 'Wrong-Password-Once', '10.9.5.1')).statusCode).toBe(401);
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) => loginAttempt(instances[index % 2] as Instance, agent.username, strongPassword, `10.9.5.${index + 10}`)),
      );
      expect(responses.map((response) => response.statusCode)).toEqual(Array.from({ length: 10 }, () => 200));
      const challenges = responses.map((response) => response.json<{ mfaRequired: boolean; challenge: string }>());
      for (const body of challenges) expect(body.mfaRequired).toBe(true);
      // The earlier wrong password is still counted (only a completed sign-in resets the count); the right ones are not.
      expect(await credentialRow(agent.userId)).toEqual({ failed_login_count: 1, locked_until: null });
      const completed = await secondStep(t, challenges[3]?.challenge ?? '', codeFor(secret, t.clock.now()));
      expect(completed.statusCode).toBe(200);
      expect(await credentialRow(agent.userId)).toEqual({ failed_login_count: 0, locked_until: null });
    } finally {
      await second.close();
    }
  });

  /**
   * @see issue 21, item 1 and ADR 0009. A TOTP user, so the right password does not start a new window: of 9 wrong passwords
   * sent while the right one is being verified, exactly 6 are verified (the right one never counts), then the lock refuses the
   * other 3 unverified; the right one was admitted before the lock and is answered.
   */
  it('of 9 parallel wrong passwords and the right one, verifies exactly 6 wrong ones and answers the right one admitted before the lock', async () => {
    const agent = await freshAgent('mixed');
    await enrolTotp(t, agent);
    const second = await t.secondInstance();
    try {
      const instances: Instance[] = [t, second];
      const before = realVerifications(instances);
      const right = loginAttempt(t, agent.username, strongPassword, '10.9.6.1');
      await untilVerifying(instances, before, 1);
      const wrong = Array.from({ length: 9 }, (_, index) => loginAttempt(instances[index % 2] as Instance, agent.username, `Wrong-Password-${index}`, `10.9.6.${index + 10}`));
      const [rightResponse, ...wrongResponses] = await Promise.all([right, ...wrong]);
      expect(rightResponse?.statusCode).toBe(200);
      expect(rightResponse?.json()).toMatchObject({ mfaRequired: true });
      for (const response of wrongResponses) expect(response.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
      expect(realVerifications(instances) - before).toBe(1 + 6);
      const reasons = (await auditActions(agent.userId, 'auth.login.failed')).map((event) => (event.details as { reason: string }).reason);
      expect(reasons.filter((reason) => reason === 'wrong-password')).toHaveLength(6);
      expect(reasons.filter((reason) => reason === 'locked')).toHaveLength(3);
      const row = await credentialRow(agent.userId);
      expect(row.failed_login_count).toBe(6);
      expect(row.locked_until?.getTime()).toBe(t.clock.now().getTime() + 30 * MINUTE);
      expect(await auditActions(agent.userId, 'auth.lockout')).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
