/**
 * Emailed single-use links: a 256-bit random token in a console URL, stored only as a keyed hash, for one
 * purpose, one user and one tenant, valid until it expires, is used once, or is replaced by a newer link.
 */
export type LinkPurpose =
  | 'invitation'
  | 'password-reset'
  /** A supervisor's one-time unlock code, read out over the phone and entered with the password at sign-in. */
  | 'unlock-code'
  /** The second sign-in step of a user with an enrolled TOTP: never emailed, answered once by the second step's route (login/login-routes.ts). */
  | 'mfa-challenge'
  /** The forced enrolment of a user whose role requires MFA: never emailed, answered once by the second step's routes (login/login-routes.ts). */
  | 'mfa-enrolment'
  /** A change of email address: emailed to the new address, carrying it (`details.email`); the address changes when it is followed. */
  | 'email-change';

export type LinkState = 'pending' | 'used' | 'replaced' | 'expired';

export interface SingleUseLink {
  id: string;
  purpose: LinkPurpose;
  tenantId: string;
  userId: string;
  /** Who had it sent (an administrator); null when the person asked themselves or the operator did. */
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  replacedAt: Date | null;
  /** What a link of this kind carries besides its user (an MFA challenge: whether the password must be changed). */
  details: Record<string, unknown>;
}

/** Where a link stands at a moment; use and replacement win over expiry. */
export function linkState(link: Pick<SingleUseLink, 'usedAt' | 'replacedAt' | 'expiresAt'>, now: Date): LinkState {
  if (link.usedAt !== null) return 'used';
  if (link.replacedAt !== null) return 'replaced';
  if (link.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

/**
 * A console URL under `LANYARD_PUBLIC_URL` (never one built from request headers): `route` is a console
 * path such as `first-access`, the token its last segment.
 */
export function consoleLinkUrl(publicUrl: URL, route: string, token: string): string {
  return new URL(`${route}/${token}`, publicUrl.href.endsWith('/') ? publicUrl : `${publicUrl.href}/`).href;
}

/** Unlock codes are read out over the phone: 32 symbols without the look-alikes 0/O and 1/I. */
export const unlockCodeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const unlockCodeLength = 8;

/** A code of `unlockCodeLength` symbols from `unlockCodeAlphabet`, each uniform (32 divides 256): 40 bits. */
export function unlockCodeFrom(bytes: Uint8Array): string {
  if (bytes.length < unlockCodeLength) throw new Error('not enough random bytes for an unlock code');
  let code = '';
  for (let index = 0; index < unlockCodeLength; index += 1) code += unlockCodeAlphabet[(bytes[index] ?? 0) % unlockCodeAlphabet.length];
  return code;
}

/** What a person typed, as the code it stands for: spaces and hyphens dropped, upper case; undefined when it cannot be a code. */
export function normalizeUnlockCode(typed: string): string | undefined {
  const code = typed.replace(/[\s-]+/gu, '').toUpperCase();
  if (code.length !== unlockCodeLength) return undefined;
  for (const symbol of code) if (!unlockCodeAlphabet.includes(symbol)) return undefined;
  return code;
}
