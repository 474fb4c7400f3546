import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, signedInUser, tokenFromLink } from '../testing/journeys.ts';
import { createMailTestApp, type MailTestApp } from '../testing/mail-test-app.ts';
import { testOrigin, type TestApp } from '../testing/test-app.ts';

/** The reset email through a real SMTP server: one message per request, and its link works once. */
let mail: MailTestApp;
let t: TestApp;

beforeAll(async () => {
  mail = await createMailTestApp();
  t = mail.t;
  await signedInUser(t, { tenantName: 'SMTP Tenant', username: 'smtp.agent', role: 'Agent' });
  // The invitation email of the setup goes out first, so each test counts only its own.
  await mail.deliverAll();
});
afterAll(async () => mail.close());

/** What this user received since `since`. */
const receivedSince = (since: number) => mail.receivedSince(since, 'smtp.agent@example.test');

describe('reset emails over SMTP', () => {
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
});
