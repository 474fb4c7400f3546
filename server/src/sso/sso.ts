import { timingSafeEqual } from 'node:crypto';
import { secondFactorAmrValues, type MfaAssurance } from '@lanyard/contracts/sso';

/** Single sign-on (OpenID Connect): the records of identity providers, identity links and sign-in flows, and the pure rules. */

export interface IdentityProvider {
  id: string;
  tenantId: string;
  name: string;
  issuer: string;
  clientId: string;
  /** AES-256-GCM sealed client secret; opened only to call the provider's token endpoint. */
  clientSecretSealed: Uint8Array;
  scopes: string[];
  emailDomains: string[];
  buttonLabel: string | null;
  isDefault: boolean;
  autoLinkVerifiedEmail: boolean;
  /** What the provider's assertion must carry to count as a second factor, beside the standard amr values. */
  mfaAssurance: MfaAssurance;
  createdAt: Date;
  updatedAt: Date;
}

export interface IdentityLink {
  id: string;
  tenantId: string;
  userId: string;
  providerId: string;
  issuer: string;
  subject: string;
  email: string | null;
  linkedAt: Date;
}

export type FlowPurpose = 'sign-in' | 'link';

/** A flow in progress: the browser holds only a reference to it (cookie), stored as a keyed hash. */
export interface SsoFlow {
  id: string;
  purpose: FlowPurpose;
  /** The provider's tenant; null (with the provider) for a sign-in that found no provider: it fails at the callback. */
  tenantId: string | null;
  providerId: string | null;
  /** The signed-in user who links (purpose link). */
  userId: string | null;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** The scopes asked for when an administrator names none. */
export const defaultScopes = ['openid', 'email', 'profile'];

/** Scopes always include `openid` (an OpenID Connect request), once, first. */
export function normalizeScopes(scopes: string[] | undefined): string[] {
  const list = scopes === undefined || scopes.length === 0 ? defaultScopes : scopes;
  return ['openid', ...new Set(list.filter((scope) => scope !== 'openid'))];
}

/** The provider chosen for an email address: the tenant's provider claiming its domain, else the tenant's default. */
export function providerForEmail(providers: IdentityProvider[], email: string): IdentityProvider | undefined {
  const domain = email.split('@').at(-1)?.toLowerCase() ?? '';
  return providers.find((provider) => provider.emailDomains.includes(domain)) ?? providers.find((provider) => provider.isDefault);
}

/** What the ID token asserted about the person: identity is (issuer, subject); email counts only when verified in the same payload. */
export interface Assertion {
  issuer: string;
  subject: string;
  email: string | null;
  /** True only when `email_verified` is the boolean true in the same payload as `email`. */
  emailVerified: boolean;
  /** The ID token's authentication methods (RFC 8176) and context class, as asserted. */
  amr: string[];
  acr: string | null;
}

export function assertionOf(claims: Record<string, unknown>): Assertion {
  const email = typeof claims.email === 'string' && claims.email !== '' ? claims.email : null;
  return {
    issuer: String(claims.iss),
    subject: String(claims.sub),
    email,
    emailVerified: email !== null && claims.email_verified === true,
    amr: Array.isArray(claims.amr) ? claims.amr.filter((value): value is string => typeof value === 'string') : [],
    acr: typeof claims.acr === 'string' && claims.acr !== '' ? claims.acr : null,
  };
}

/**
 * Whether the provider asserted a second factor: an `amr` with `mfa`, `otp`, `hwk` or `sms`, or an `amr` or `acr` value the
 * provider's settings list (SPEC §3.12). Values compare exactly.
 */
export function assertsSecondFactor(assertion: Pick<Assertion, 'amr' | 'acr'>, assurance: MfaAssurance): boolean {
  const amr = new Set<string>([...secondFactorAmrValues, ...(assurance.amr ?? [])]);
  if (assertion.amr.some((value) => amr.has(value))) return true;
  return assertion.acr !== null && (assurance.acr ?? []).includes(assertion.acr);
}

/** The tenants to look for an account's provider in: its enabled memberships, the default tenant first (SPEC §3.12). */
export function discoveryOrder(tenantIds: string[], defaultTenantId: string): string[] {
  return [...tenantIds.filter((id) => id === defaultTenantId), ...tenantIds.filter((id) => id !== defaultTenantId)];
}

export function sameEmail(a: string, b: string): boolean {
  return a.normalize('NFKC').toLowerCase() === b.normalize('NFKC').toLowerCase();
}

/**
 * Whether a provider identity that is linked to nobody may be linked to this local account at sign-in. Never for an account homed in
 * another tenant than the provider's (SPEC §3.12: that tenant's administrators could otherwise point their provider at anyone's email):
 * - an SSO-only user, at their first sign-in with this provider, when the provider asserts the invited email as verified;
 * - any other user only where the tenant turned on automatic linking for the provider, the provider says
 *   the email is verified, and the local email was verified (the invitation accepted).
 */
export function mayLinkAtSignIn(input: { assertion: Assertion; user: { email: string; ssoOnly: boolean; emailVerified: boolean; homeTenantId: string }; provider: { tenantId: string; autoLinkVerifiedEmail: boolean } }): boolean {
  const { assertion, user, provider } = input;
  if (user.homeTenantId !== provider.tenantId) return false;
  if (assertion.email === null || !assertion.emailVerified || !sameEmail(assertion.email, user.email)) return false;
  if (user.ssoOnly) return true;
  return provider.autoLinkVerifiedEmail && user.emailVerified;
}

/** Constant-time comparison of two strings (the returned state against the stored one). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The redirect URI every provider is registered with. */
export function redirectUriOf(publicUrl: URL): string {
  return new URL('api/v1/auth/sso/callback', publicUrl.href.endsWith('/') ? publicUrl : `${publicUrl.href}/`).href;
}

/** Where every provider returns (login/'s callback route): the flow cookie is sent back to this path only. */
export const ssoCallbackPath = '/api/v1/auth/sso/callback';

/** The flow cookie: a reference only (the flow is stored server-side, hashed), HttpOnly, short-lived, sent back only to the callback. */
export function flowCookieName(secure: boolean): string {
  return secure ? '__Secure-lanyard_sso' : 'lanyard_sso';
}
