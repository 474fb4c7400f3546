import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND } from '../kernel/clock.ts';
import { pauseDelayMs, retryDelayMs } from './delivery-worker.ts';
import { classifySmtpError } from './smtp-transport.ts';

function smtpError(fields: { code?: string; responseCode?: number; command?: string }, message = 'failed'): Error {
  return Object.assign(new Error(message), fields);
}

describe('retry schedule', () => {
  it('doubles from 15 s and stays at 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50, 5000].map(retryDelayMs)).toEqual([
      15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 15 * MINUTE, 15 * MINUTE, 15 * MINUTE, 15 * MINUTE,
    ]);
  });

  it('pauses the worker 5 s, doubling up to 5 minutes, while the server is down', () => {
    expect([1, 2, 3, 6, 7, 100].map(pauseDelayMs)).toEqual([5 * SECOND, 10 * SECOND, 20 * SECOND, 160 * SECOND, 5 * MINUTE, 5 * MINUTE]);
  });
});

describe('SMTP failures', () => {
  it('gives up on a 5xx refusal of the recipient or the message', () => {
    for (const failure of [
      smtpError({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }),
      smtpError({ code: 'EENVELOPE', responseCode: 554, command: 'DATA' }),
      smtpError({ code: 'EMESSAGE', responseCode: 552, command: 'DATA' }),
    ]) {
      expect(classifySmtpError(failure)).toMatchObject({ permanent: true, scope: 'message' });
    }
  });

  it('retries a 4xx for the recipient without pausing the others', () => {
    expect(classifySmtpError(smtpError({ code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO' }))).toMatchObject({ permanent: false, scope: 'message' });
  });

  it('retries, and pauses, when the server or our configuration is at fault', () => {
    for (const failure of [
      smtpError({ code: 'ESOCKET' }, 'connect ECONNREFUSED 127.0.0.1:25'),
      smtpError({ code: 'ETIMEDOUT' }),
      smtpError({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }),
      smtpError({ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM' }),
      smtpError({ code: 'EENVELOPE', responseCode: 530, command: 'RCPT TO' }),
      smtpError({ code: 'EENVELOPE', responseCode: 503, command: 'RCPT TO' }),
      smtpError({ code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO' }),
      new Error('anything else'),
      'not even an error',
    ]) {
      expect(classifySmtpError(failure)).toMatchObject({ permanent: false, scope: 'transport' });
    }
  });

  it('keeps the code, the command and the server reply in the recorded reason', () => {
    const failure = smtpError({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }, "Can't send mail - all recipients were rejected: 550 5.1.1 No such user");
    expect(classifySmtpError(failure).message).toBe("EENVELOPE (RCPT TO): Can't send mail - all recipients were rejected: 550 5.1.1 No such user");
  });
});
