import type { Permission } from '@lanyard/contracts/permissions';

/**
 * Who is making a request, resolved by http/authentication from a session cookie or a bearer token. Both
 * kinds go through the same permission guard.
 */
export type Principal = SessionPrincipal | TokenPrincipal;

export interface SessionPrincipal {
  kind: 'session';
  userId: string;
  tenantId: string;
  sessionId: string;
  roleId: string;
  permissions: ReadonlySet<Permission>;
  /** The password expired or breaks a tightened policy: only changing it (and signing out) is allowed. */
  passwordChangeRequired: boolean;
  /** The session was opened after a second factor (a TOTP or recovery code). */
  secondFactor: boolean;
}

/** A caller presenting an access token obtained by exchanging an access key. */
export interface TokenPrincipal {
  kind: 'token';
  userId: string;
  tenantId: string;
  /** The public Access Key ID the token was issued for (`akid`). */
  accessKeyId: string;
  /** The token's `jti`. */
  tokenId: string;
  /** The token's scope, narrowed to what the user holds now. */
  permissions: ReadonlySet<Permission>;
}
