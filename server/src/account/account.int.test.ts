import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, signedInUser, tokenFromLink, type SignedInUser } from '../testing/journeys.ts';
import { createMailTestApp, type MailTestApp } from '../testing/mail-test-app.ts';
import { strongPassword, type TestApp } from '../testing/test-app.ts';

/** SPEC §3.7 and §4b "Account, preferences": account details with their permission gates, the email change through a real SMTP server, preferences. */
let mail: MailTestApp;
let t: TestApp;
let admin: SignedInUser;
let agent: SignedInUser;
let viewer: SignedInUser;
let count = 0;

const inject = (user: Pick<SignedInUser, 'headers'> | undefined, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: user?.headers ?? { origin: t.config.publicUrl.origin }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const account = async (user: SignedInUser) => (await inject(user, 'GET', '/api/v1/me/account')).json();
const settingsRow = (userId: string) => t.deps.db.selectFrom('account_settings').selectAll().where('user_id', '=', userId).executeTakeFirst();

beforeAll(async () => {
  mail = await createMailTestApp();
  t = mail.t;
  admin = await signedInUser(t, { tenantName: 'Account Tenant', username: 'account.admin' });
  agent = await signedInUser(t, { tenant: admin.tenant, username: 'account.agent', role: 'Agent' });
  const role = await inject(admin, 'POST', '/api/v1/admin/roles', { name: 'Viewer', permissions: ['support.downloads.view'] });
  expect(role.statusCode).toBe(201);
  viewer = await signedInUser(t, { tenant: admin.tenant, username: 'account.viewer', role: 'Viewer' });
  await mail.deliverAll();
});
afterAll(async () => mail.close());

describe('account details', () => {
  it('answers the details with defaults and what the person may edit', async () => {
    const body = await account(agent);
    expect(body).toMatchObject({
      username: 'account.agent',
      userId: agent.userId,
      firstName: 'Gilbert',
      email: 'account.agent@example.test',
      pendingEmail: null,
      location: '',
      timeZone: null,
      language: null,
      defaultDialingPattern: '',
      wfmNotifications: { enabled: false, intervalMinutes: 15 },
      canEdit: { details: true, defaultDialingPattern: false, wfmNotifications: true },
    });
    expect((await account(viewer)).wfmNotifications).toBeNull();
    expect((await account(viewer)).canEdit).toEqual({ details: false, defaultDialingPattern: false, wfmNotifications: false });
  });

  it('stores names, location, time zone and language in canonical form, and /me shows the new name', async () => {
    const response = await inject(admin, 'PATCH', '/api/v1/me/account', { firstName: 'Anne', lastName: 'Shirley', location: 'Avonlea', timeZone: 'america/halifax', language: 'en-ca' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ firstName: 'Anne', lastName: 'Shirley', location: 'Avonlea', timeZone: 'America/Halifax', language: 'en-CA' });
    expect((await inject(admin, 'GET', '/api/v1/me')).json().user).toMatchObject({ firstName: 'Anne', lastName: 'Shirley' });
    const audit = await t.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'account.updated').where('actor_user_id', '=', admin.userId).execute();
    expect(audit).toHaveLength(1);
  });

  it('the dialing pattern and WFM notifications with their permissions', async () => {
    const response = await inject(admin, 'PATCH', '/api/v1/me/account', { defaultDialingPattern: '9,+1NXXNXXXXXX', wfmNotifications: { enabled: true, intervalMinutes: 30 } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ defaultDialingPattern: '9,+1NXXNXXXXXX', wfmNotifications: { enabled: true, intervalMinutes: 30 } });
  });

  it.each([
    ['a dialing pattern without profile.dialingPattern.edit', () => agent, { defaultDialingPattern: '9' }, ['profile.dialingPattern.edit']],
    ['a dialing pattern and a name together, lacking one permission', () => agent, { firstName: 'Diana', defaultDialingPattern: '9' }, ['profile.dialingPattern.edit']],
    ['names without profile.edit', () => viewer, { firstName: 'Diana' }, ['profile.edit']],
    ['WFM notifications without profile.wfmNotifications', () => viewer, { wfmNotifications: { enabled: true, intervalMinutes: 10 } }, ['profile.wfmNotifications']],
  ])('refuses %s with PERMISSION_DENIED and stores nothing', async (_name, who, patch, missing) => {
    const user = who();
    const before = await account(user);
    const row = await settingsRow(user.userId);
    const response = await inject(user, 'PATCH', '/api/v1/me/account', patch);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('PERMISSION_DENIED');
    expect(response.json().error.details.missing).toEqual(missing);
    expect(await account(user)).toEqual(before);
    expect(await settingsRow(user.userId)).toEqual(row);
  });

  it.each([
    [{ timeZone: 'Mars/Olympus_Mons' }, 'TIME_ZONE_INVALID'],
    [{ timeZone: '+01:00' }, 'TIME_ZONE_INVALID'],
    [{ timeZone: '../../etc/passwd' }, 'TIME_ZONE_INVALID'],
    [{ language: 'not a language' }, 'LANGUAGE_INVALID'],
    [{ language: 'en-' }, 'LANGUAGE_INVALID'],
    [{ wfmNotifications: { enabled: true, intervalMinutes: 0 } }, 'WFM_INTERVAL_INVALID'],
    [{ wfmNotifications: { enabled: true, intervalMinutes: 121 } }, 'WFM_INTERVAL_INVALID'],
    [{ wfmNotifications: { enabled: true, intervalMinutes: 2.5 } }, 'WFM_INTERVAL_INVALID'],
  ])('refuses %j with a coded 422 and stores nothing', async (patch, code) => {
    const before = await account(admin);
    const response = await inject(admin, 'PATCH', '/api/v1/me/account', { firstName: 'Changed', ...patch });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe(code);
    expect(await account(admin)).toEqual(before);
  });

  it('refuses unknown fields, the username and the email with 400', async () => {
    for (const patch of [{ username: 'x' }, { email: 'x@example.test' }, { firstName: '' }]) {
      const response = await inject(admin, 'PATCH', '/api/v1/me/account', patch);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('needs a signed-in person', async () => {
    expect((await inject(undefined, 'GET', '/api/v1/me/account')).json().error.code).toBe('AUTH_REQUIRED');
  });
});

describe('email change', () => {
  it('sends a link to the new address and a notice to the old one; the address changes only when the link is followed, once', async () => {
    const user = await signedInUser(t, { tenant: admin.tenant, username: `email.change${++count}`, role: 'Agent' });
    await mail.deliverAll();
    const before = mail.smtp.messages.length;
    const response = await inject(user, 'POST', '/api/v1/me/email', { email: 'new.address@example.test', currentPassword: strongPassword });
    expect(response.statusCode).toBe(202);
    expect(response.json().pendingEmail).toBe('new.address@example.test');
    expect(await account(user)).toMatchObject({ email: `${user.username}@example.test`, pendingEmail: 'new.address@example.test' });

    const received = await mail.receivedSince(before);
    expect(received).toHaveLength(2);
    const toNew = received.find((message) => message.envelopeTo.includes('new.address@example.test'));
    const toOld = received.find((message) => message.envelopeTo.includes(`${user.username}@example.test`));
    expect(toNew?.subject).toBe('Confirm your new Lanyard email address');
    expect(toOld?.subject).toBe('A change of your Lanyard email address was requested');
    expect(toOld?.text).toContain('new.address@example.test');
    expect(toOld?.text).not.toContain('/confirm-email/');
    const link = toNew?.text.match(/https?:\/\/\S+\/confirm-email\/[A-Za-z0-9_-]+/)?.[0];
    expect(link?.startsWith(`${t.config.publicUrl.origin}/confirm-email/`)).toBe(true);
    const token = tokenFromLink(link ?? '');
    // Stored only as a keyed hash.
    const rows = await t.deps.db.selectFrom('single_use_links').selectAll().where('user_id', '=', user.userId).where('purpose', '=', 'email-change').execute();
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]?.token_hash ?? []).toString('hex')).not.toContain(Buffer.from(token).toString('hex'));

    // Signed out, in another browser: the link alone is enough.
    const confirmed = await inject(undefined, 'POST', '/api/v1/me/email/confirm', { token });
    expect(confirmed.statusCode).toBe(204);
    expect(await account(user)).toMatchObject({ email: 'new.address@example.test', pendingEmail: null });
    expect((await inject(user, 'GET', '/api/v1/me')).json().user.email).toBe('new.address@example.test');

    const again = await inject(undefined, 'POST', '/api/v1/me/email/confirm', { token });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('EMAIL_CHANGE_LINK_USED');
    const actions = (await t.deps.db.selectFrom('audit_events').select('action').where('target_id', '=', user.userId).orderBy('id').execute()).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(['email.change.requested', 'email.changed']));
  });

  it('expires after 24 hours; a newer request replaces the older link', async () => {
    const user = await signedInUser(t, { tenant: admin.tenant, username: `email.change${++count}`, role: 'Agent' });
    await mail.deliverAll();
    let before = mail.smtp.messages.length;
    await inject(user, 'POST', '/api/v1/me/email', { email: 'first@example.test', currentPassword: strongPassword });
    const first = tokenFromLink((await mail.receivedSince(before, 'first@example.test'))[0]?.text.match(/\/confirm-email\/[A-Za-z0-9_-]+/)?.[0] ?? '');
    before = mail.smtp.messages.length;
    await inject(user, 'POST', '/api/v1/me/email', { email: 'second@example.test', currentPassword: strongPassword });
    const second = tokenFromLink((await mail.receivedSince(before, 'second@example.test'))[0]?.text.match(/\/confirm-email\/[A-Za-z0-9_-]+/)?.[0] ?? '');
    expect((await inject(undefined, 'POST', '/api/v1/me/email/confirm', { token: first })).json().error.code).toBe('EMAIL_CHANGE_LINK_USED');
    t.clock.advance(24 * 60 * 60 * 1000 + 1000);
    // The session has long expired too: sign in again.
    const cookie = await login(t, user.username);
    const again = { ...user, cookie, headers: { cookie, origin: t.config.publicUrl.origin } };
    expect((await account(again)).pendingEmail).toBeNull();
    const expired = await inject(undefined, 'POST', '/api/v1/me/email/confirm', { token: second });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe('EMAIL_CHANGE_LINK_EXPIRED');
    expect((await account(again)).email).toBe(`${user.username}@example.test`);
  });

  it('needs the current password, a new address, and refuses an unknown token', async () => {
    const user = await signedInUser(t, { tenant: admin.tenant, username: `email.change${++count}`, role: 'Agent' });
    await mail.deliverAll();
    const before = mail.smtp.messages.length;
    const wrong = await inject(user, 'POST', '/api/v1/me/email', { email: 'x@example.test', currentPassword: 'not-the-password' });
    expect(wrong.json().error.code).toBe('CURRENT_PASSWORD_INCORRECT');
    const same = await inject(user, 'POST', '/api/v1/me/email', { email: `${user.username.toUpperCase()}@example.test`, currentPassword: strongPassword });
    expect(same.statusCode).toBe(422);
    expect(same.json().error.code).toBe('EMAIL_UNCHANGED');
    expect((await inject(user, 'POST', '/api/v1/me/email', { email: 'not an email', currentPassword: strongPassword })).statusCode).toBe(400);
    expect(await mail.receivedSince(before)).toHaveLength(0);
    expect((await account(user)).pendingEmail).toBeNull();
    const unknown = await inject(undefined, 'POST', '/api/v1/me/email/confirm', { token: 'A'.repeat(43) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('EMAIL_CHANGE_LINK_NOT_FOUND');
  });
});

describe('preferences', () => {
  it('start at the defaults and round trip', async () => {
    const user = await signedInUser(t, { tenant: admin.tenant, username: `prefs${++count}`, role: 'Agent' });
    expect((await inject(user, 'GET', '/api/v1/me/preferences')).json()).toEqual({ toastDurationSeconds: 3, reducedMotion: false, highContrast: false, textSize: 'default' });
    const wanted = { toastDurationSeconds: 7, reducedMotion: true, highContrast: true, textSize: 'larger' };
    const put = await inject(user, 'PUT', '/api/v1/me/preferences', wanted);
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual(wanted);
    expect((await inject(user, 'GET', '/api/v1/me/preferences')).json()).toEqual(wanted);
  });

  it.each([0, 11, 2.5, -1])('refuses a toast duration of %s with 422 PREFERENCES_INVALID and stores nothing', async (seconds) => {
    const user = await signedInUser(t, { tenant: admin.tenant, username: `prefs${++count}`, role: 'Agent' });
    const response = await inject(user, 'PUT', '/api/v1/me/preferences', { toastDurationSeconds: seconds, reducedMotion: true, highContrast: false, textSize: 'default' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('PREFERENCES_INVALID');
    expect((await inject(user, 'GET', '/api/v1/me/preferences')).json().reducedMotion).toBe(false);
  });

  it('refuses a text size outside the list and a missing field with 400', async () => {
    // A fresh sign-in: the agent's session ended when the clock moved a day above, and authentication comes before validation.
    const user = await signedInUser(t, { tenant: admin.tenant, username: `prefs${++count}`, role: 'Agent' });
    expect((await inject(user, 'PUT', '/api/v1/me/preferences', { toastDurationSeconds: 3, reducedMotion: false, highContrast: false, textSize: 'huge' })).statusCode).toBe(400);
    expect((await inject(user, 'PUT', '/api/v1/me/preferences', { toastDurationSeconds: 3 })).statusCode).toBe(400);
  });

  it('belong to the person, not to a tenant or a browser: another user sees their own', async () => {
    const other = await signedInUser(t, { tenant: admin.tenant, username: `prefs${++count}`, role: 'Viewer' });
    expect((await inject(other, 'GET', '/api/v1/me/preferences')).json().toastDurationSeconds).toBe(3);
  });
});
