import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, signedInUser, tokenFromLink, type SignedInUser } from '../testing/journeys.ts';
import { createMailTestApp, type MailTestApp } from '../testing/mail-test-app.ts';
import { strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

/** The password emails through a real SMTP server: one message per event, and the links in them work. */
let mail: MailTestApp;
let t: TestApp;
let agent: SignedInUser;

beforeAll(async () => {
  mail = await createMailTestApp();
  t = mail.t;
  agent = await signedInUser(t, { tenantName: 'SMTP Tenant', username: 'smtp.agent', role: 'Agent' });
  // The invitation email of the setup goes out first, so each test counts only its own.
  await mail.deliverAll();
});
afterAll(async () => mail.close());

/** What this user received since `since`. */
const receivedSince = (since: number) => mail.receivedSince(since, 'smtp.agent@example.test');

describe('password emails over SMTP', () => {
  it('sends exactly one reset email, whose link sets the new password once', async () => {
    const before = mail.smtp.messages.length;
    const forgot = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', headers: { origin: testOrigin }, payload: { username: 'smtp.agent' } });
    expect(forgot.statusCode).toBe(202);
    const received = await receivedSince(before);
    expect(received).toHaveLength(1);
    expect(received[0]?.subject).toBe('Reset your Lanyard password');
    const link = received[0]?.links.find((candidate) => candidate.startsWith(`${testOrigin}/reset-password/`)) ?? '';
    expect(received[0]?.html).toContain(link);

    const reset = (newPassword: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', headers: { origin: testOrigin }, payload: { token: tokenFromLink(link), newPassword } });
    expect((await reset('Smtp-Reset-Passw0rd')).statusCode).toBe(204);
    expect((await reset('Smtp-Reset-Again-1')).json().error.code).toBe('RESET_LINK_USED');
    await expect(login(t, 'smtp.agent', 'Smtp-Reset-Passw0rd')).resolves.toBeTruthy();

    // The completed reset is itself an event: one "password changed" notification, no second reset email.
    const after = await receivedSince(before);
    expect(after.map((message) => message.subject)).toEqual(['Reset your Lanyard password', 'Your Lanyard password was changed']);
  });

  it('sends exactly one notification when the password is changed', async () => {
    const cookie = await login(t, 'smtp.agent', 'Smtp-Reset-Passw0rd');
    const before = mail.smtp.messages.length;
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: { cookie, origin: testOrigin },
      payload: { currentPassword: 'Smtp-Reset-Passw0rd', newPassword: strongPassword.replace('42', '43') },
    });
    expect(changed.statusCode).toBe(204);
    const received = await receivedSince(before);
    expect(received.map((message) => message.subject)).toEqual(['Your Lanyard password was changed']);
    expect(received[0]?.text).toContain('SMTP Tenant');
    expect(agent.userId).toBeTruthy();
  });
});
