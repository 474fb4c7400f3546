import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createMailTestApp, type MailTestApp } from '../testing/mail-test-app.ts';
import { challengeFor, codeFor, enrolTotp, secondStep, type Enrolled } from '../testing/mfa-journeys.ts';
import { strongPassword, type TestApp } from '../testing/test-app.ts';
import type { ReceivedSmtpMessage } from '../testing/test-smtp-server.ts';

/** SPEC §3.10 and issue 12: one email per second-factor event through a real SMTP server, never with a secret or a code. */
let mail: MailTestApp;
let t: TestApp;
let admin: SignedInUser;
let user: SignedInUser;
let enrolled: Enrolled;
const address = 'mfa.mail@example.test';
/** Every secret the person was ever shown: none may be in any email. */
const secrets: string[] = [];

beforeAll(async () => {
  mail = await createMailTestApp();
  t = mail.t;
  admin = await signedInUser(t, { tenantName: 'MFA Mail Tenant', username: 'mfa.mail.admin' });
  user = await signedInUser(t, { tenant: admin.tenant, username: 'mfa.mail', role: 'Agent' });
  await mail.deliverAll();
});
afterAll(async () => mail.close());

function expectNoSecret(messages: ReceivedSmtpMessage[]): void {
  for (const message of messages) {
    const raw = message.raw.toString('utf8');
    for (const secret of secrets) {
      expect(raw).not.toContain(secret);
      expect(raw.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  }
}

/** Runs a step and answers the emails it sent to the user (and asserts nobody else got one). */
async function emailsOf(step: () => Promise<void>): Promise<ReceivedSmtpMessage[]> {
  const before = mail.smtp.messages.length;
  await step();
  const received = await mail.receivedSince(before);
  for (const message of received) expect(message.envelopeTo).toEqual([address]);
  expectNoSecret(received);
  return received;
}

describe('second-factor emails over SMTP', () => {
  it('MFA turned on: one email', async () => {
    const received = await emailsOf(async () => {
      enrolled = await enrolTotp(t, user);
      secrets.push(enrolled.secret, ...enrolled.recoveryCodes);
    });
    expect(received.map((message) => message.subject)).toEqual(['Multi-factor authentication was turned on for your Lanyard account']);
    expect(received[0]?.text).toContain('MFA Mail Tenant');
    expect(received[0]?.text).toContain('from the address 127.0.0.1');
  });

  it('a recovery code used at sign-in: one email, saying how many are left', async () => {
    const received = await emailsOf(async () => {
      const response = await secondStep(t, await challengeFor(t, user.username), enrolled.recoveryCodes[0] ?? '');
      expect(response.statusCode).toBe(200);
    });
    expect(received.map((message) => message.subject)).toEqual(['A recovery code was used to sign in to your Lanyard account']);
    expect(received[0]?.text).toContain('You have 9 recovery codes left.');
  });

  it('a replayed code: one email', async () => {
    const code = codeFor(enrolled.secret, t.clock.now());
    expect((await secondStep(t, await challengeFor(t, user.username), code)).statusCode).toBe(200);
    await mail.deliverAll();
    const received = await emailsOf(async () => {
      const response = await secondStep(t, await challengeFor(t, user.username), code);
      expect(response.json().error.code).toBe('MFA_CODE_INVALID');
    });
    expect(received.map((message) => message.subject)).toEqual(['An authentication code of your Lanyard account was used twice']);
    expect(received[0]?.text).not.toContain(code);
  });

  it('a wrong code sends nothing', async () => {
    const received = await emailsOf(async () => {
      const response = await secondStep(t, await challengeFor(t, user.username), codeFor(enrolled.secret, new Date(t.clock.now().getTime() + 10 * 60_000)));
      expect(response.statusCode).toBe(401);
    });
    expect(received).toEqual([]);
  });

  it('MFA turned off: one email; a refused attempt sends none', async () => {
    const refused = await emailsOf(async () => {
      const response = await t.app.inject({ method: 'DELETE', url: '/api/v1/me/mfa/totp', headers: user.headers, payload: { currentPassword: 'Wrong-Password-123' } });
      expect(response.statusCode).toBe(403);
    });
    expect(refused).toEqual([]);
    const received = await emailsOf(async () => {
      const response = await t.app.inject({ method: 'DELETE', url: '/api/v1/me/mfa/totp', headers: user.headers, payload: { currentPassword: strongPassword } });
      expect(response.statusCode).toBe(204);
    });
    expect(received.map((message) => message.subject)).toEqual(['Multi-factor authentication was turned off for your Lanyard account']);
  });

  it('reset by an administrator: one email to the user', async () => {
    await emailsOf(async () => {
      const again = await enrolTotp(t, user);
      secrets.push(again.secret, ...again.recoveryCodes);
    });
    const received = await emailsOf(async () => {
      const response = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${user.userId}/mfa-reset`, headers: admin.headers });
      expect(response.statusCode).toBe(204);
    });
    expect(received.map((message) => message.subject)).toEqual(['An administrator reset multi-factor authentication for your Lanyard account']);
    expect(received[0]?.html).toContain('MFA Mail Tenant');
  });
});
