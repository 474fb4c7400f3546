import { Secret, TOTP } from 'otpauth';
import type { SignedInUser } from './journeys.ts';
import { strongPassword, type TestApp } from './test-app.ts';

/** Second-factor steps tests share, through the public HTTP API. Codes are computed here, as an authenticator app would. */

/** The code an authenticator app shows for a Base32 secret at a moment. */
export function codeFor(secret: string, at: Date, period = 30): string {
  return new TOTP({ algorithm: 'SHA1', digits: 6, period, secret: Secret.fromBase32(secret.replace(/\s+/g, '').toUpperCase()) }).generate({ timestamp: at.getTime() });
}

export interface Enrolled {
  secret: string;
  period: number;
  recoveryCodes: string[];
}

/** Sets up and confirms TOTP for a signed-in user, then moves the clock one period on, so the next code is a fresh step. */
export async function enrolTotp(t: TestApp, user: Pick<SignedInUser, 'headers'>, body: { secret?: string; period?: number } = {}): Promise<Enrolled> {
  const started = await t.app.inject({ method: 'POST', url: '/api/v1/me/mfa/totp', headers: user.headers, payload: { currentPassword: strongPassword, ...body } });
  if (started.statusCode !== 200) throw new Error(`enrolment failed: ${started.statusCode} ${started.body}`);
  const { secret, period } = started.json<{ secret: string; period: number }>();
  const confirmed = await t.app.inject({ method: 'POST', url: '/api/v1/me/mfa/totp/confirm', headers: user.headers, payload: { code: codeFor(secret, t.clock.now(), period) } });
  if (confirmed.statusCode !== 200) throw new Error(`confirmation failed: ${confirmed.statusCode} ${confirmed.body}`);
  t.clock.advance(period * 1000);
  return { secret, period, recoveryCodes: confirmed.json<{ recoveryCodes: string[] }>().recoveryCodes };
}

/** The password step: the raw answer. */
export function passwordStep(t: TestApp, username: string, password = strongPassword) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username, password } });
}

/** The password step of a user with a second step: the challenge; asserts there was one and no cookie. */
export async function challengeFor(t: TestApp, username: string): Promise<string> {
  const response = await passwordStep(t, username);
  const body = response.json<{ mfaRequired?: boolean; challenge?: string }>();
  if (response.statusCode !== 200 || body.mfaRequired !== true || body.challenge === undefined) throw new Error(`no challenge: ${response.statusCode} ${response.body}`);
  if (response.cookies.length > 0) throw new Error('a cookie came with the challenge');
  return body.challenge;
}

/** The second step: the raw answer. */
export function secondStep(t: Pick<TestApp, 'app' | 'config'>, challenge: string, code: string, remoteAddress?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login/mfa',
    headers: { origin: t.config.publicUrl.origin },
    payload: { challenge, code },
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  });
}

/** Signs in with password and the current code; returns the cookie header value. Moves the clock a period on afterwards. */
export async function loginWithTotp(t: TestApp, username: string, secret: string, period = 30): Promise<string> {
  const challenge = await challengeFor(t, username);
  const response = await secondStep(t, challenge, codeFor(secret, t.clock.now(), period));
  if (response.statusCode !== 200) throw new Error(`second step failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((entry) => entry.name === 'lanyard_session');
  if (cookie === undefined) throw new Error('no session cookie');
  t.clock.advance(period * 1000);
  return `${cookie.name}=${cookie.value}`;
}
