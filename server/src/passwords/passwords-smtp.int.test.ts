import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createMailTestApp, type MailTestApp } from '../testing/mail-test-app.ts';
import { strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

/** The password-changed email through a real SMTP server: one message per change (the reset email: recovery/recovery-smtp.int.test.ts). */
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
  it('sends exactly one notification when the password is changed', async () => {
    const cookie = await login(t, 'smtp.agent', strongPassword);
    const before = mail.smtp.messages.length;
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: { cookie, origin: testOrigin },
      payload: { currentPassword: strongPassword, newPassword: strongPassword.replace('42', '43') },
    });
    expect(changed.statusCode).toBe(204);
    const received = await receivedSince(before);
    expect(received.map((message) => message.subject)).toEqual(['Your Lanyard password was changed']);
    expect(received[0]?.text).toContain('SMTP Tenant');
    expect(agent.userId).toBeTruthy();
  });
});
