import { describe, expect, it } from 'vitest';
import { completedClaims } from './oidc-client.ts';

describe('completedClaims', () => {
  const idToken = { iss: 'https://idp.example.test', sub: 'sub-1', aud: 'lanyard' };

  it('takes email and email_verified from userinfo as a pair when the ID token lacks them, and never its identity', () => {
    expect(completedClaims(idToken, { sub: 'sub-1', iss: 'https://elsewhere.test', email: 'a@example.test', email_verified: true, given_name: 'Anne' })).toEqual({
      ...idToken,
      email: 'a@example.test',
      email_verified: true,
      given_name: 'Anne',
    });
  });

  it('keeps the ID token pair when it has both, and never joins a verified flag to an email it was not said of', () => {
    expect(completedClaims({ ...idToken, email: 'a@example.test', email_verified: false }, { sub: 'sub-1', email: 'b@example.test', email_verified: true })).toMatchObject({ email: 'a@example.test', email_verified: false });
    // The ID token says verified of no email; userinfo names an email without saying it is verified: unverified.
    expect(completedClaims({ ...idToken, email_verified: true }, { sub: 'sub-1', email: 'a@example.test' })).not.toHaveProperty('email_verified');
    // Userinfo names no email: the ID token's claims stay as they are.
    expect(completedClaims({ ...idToken, email: 'a@example.test' }, { sub: 'sub-1', email_verified: true })).toEqual({ ...idToken, email: 'a@example.test' });
  });
});
