import { describe, expect, it } from 'vitest';
import { DAY, MINUTE, SECOND } from '../kernel/clock.ts';
import { composeMessage, decideAfterFailure, envelopeSender, leaseAllowsSend, leasePolicy, messageIdOf, retryPolicy } from './delivery-worker.ts';
import { MailDeliveryError, type OutgoingEmail } from './mail-transport.ts';
import type { ClaimedMessage } from './outbox-repo.ts';

const createdAt = new Date('2026-01-15T10:00:00.000Z');
const row: ClaimedMessage = {
  id: '0194a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  template: 'test',
  recipient: 'ann@example.test',
  subject: 'Hello',
  bodySealed: null,
  createdAt,
  attempts: 1,
};
const email: OutgoingEmail = { id: row.id, recipient: row.recipient, subject: row.subject, text: 'Hello Ann', html: '<p>Hello Ann</p>', createdAt };
const after = (ms: number) => new Date(createdAt.getTime() + ms);

describe('after a failed attempt', () => {
  it('gives up at once on a permanent refusal, recording the reply', () => {
    const refused = new MailDeliveryError('EENVELOPE (RCPT TO): 550 No such user', { permanent: true, scope: 'message' });
    expect(decideAfterFailure(row, refused, after(SECOND))).toEqual({ action: 'give-up', recorded: 'EENVELOPE (RCPT TO): 550 No such user', cause: 'rejected' });
  });

  it('retries a failure for this message on the schedule without pausing the worker', () => {
    const deferred = new MailDeliveryError('452 Mailbox full', { permanent: false, scope: 'message' });
    expect(decideAfterFailure({ ...row, attempts: 3 }, deferred, after(MINUTE))).toEqual({
      action: 'retry',
      recorded: '452 Mailbox full',
      nextAttemptAt: after(MINUTE + MINUTE),
      serverUnavailable: false,
    });
  });

  it('retries, and pauses the worker, when the server is at fault or the error is of an unknown kind', () => {
    const down = new MailDeliveryError('ECONNREFUSED', { permanent: false, scope: 'transport' });
    for (const error of [down, new Error('socket hang up'), 'not even an error']) {
      expect(decideAfterFailure(row, error, after(SECOND))).toMatchObject({ action: 'retry', nextAttemptAt: after(SECOND + retryPolicy.firstDelayMs), serverUnavailable: true });
    }
    expect(decideAfterFailure(row, 'not even an error', after(SECOND))).toMatchObject({ recorded: 'not even an error' });
  });

  it('gives a message up three days after it was queued, naming the attempts and the last reason', () => {
    const down = new Error('ECONNREFUSED');
    expect(decideAfterFailure({ ...row, attempts: 290 }, down, after(3 * DAY - SECOND))).toMatchObject({ action: 'retry' });
    expect(decideAfterFailure({ ...row, attempts: 290 }, down, after(3 * DAY))).toEqual({
      action: 'give-up',
      recorded: 'gave up after 290 attempts: ECONNREFUSED',
      cause: 'expired',
    });
  });
});

describe('the lease', () => {
  it('lets a send start only while at least a minute of it is left', () => {
    const leaseUntil = createdAt.getTime() + leasePolicy.leaseMs;
    expect(leaseAllowsSend(createdAt.getTime(), leaseUntil)).toBe(true);
    expect(leaseAllowsSend(leaseUntil - MINUTE, leaseUntil)).toBe(true);
    expect(leaseAllowsSend(leaseUntil - MINUTE + 1, leaseUntil)).toBe(false);
  });
});

describe('composing a message', () => {
  it('produces the same bytes from the same message, with the Message-ID of the outbox id', async () => {
    const from = 'Lanyard <no-reply@lanyard.test>';
    const first = await composeMessage(email, from);
    const again = await composeMessage({ ...email }, from);
    expect(again.equals(first)).toBe(true);
    expect(first.toString()).toContain(`Message-ID: ${messageIdOf(row.id)}`);
    expect(messageIdOf(row.id)).toBe('<0194a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b@lanyard>');
  });

  it('takes the envelope sender from the From header, and refuses a header without an address', () => {
    expect(envelopeSender('Lanyard <no-reply@example.com>')).toBe('no-reply@example.com');
    expect(envelopeSender('bounces@example.com')).toBe('bounces@example.com');
    expect(() => envelopeSender('Lanyard')).toThrow(/not an email address/);
  });
});
