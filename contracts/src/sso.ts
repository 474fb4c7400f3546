import { z } from 'zod';
import { displayText, idSchema, passwordInput, singleLine } from './common.ts';
import { totpPeriodSchema } from './mfa.ts';

/**
 * Single sign-on with OpenID Connect (SPEC §3.5, §4b "Single sign-on"): identity providers per tenant,
 * the sign-in flow and the links of a user to provider identities.
 */

/** An issuer URL: https, or http on a loopback address only (a provider run beside Lanyard for local testing). */
export const issuerSchema = singleLine(2048)
  .trim()
  .refine((value) => issuerProblem(value) === undefined, { message: 'Must be an https URL (http only on 127.0.0.1, [::1] or localhost), without query or fragment' });

export function issuerProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not-a-url';
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return 'query-fragment-or-credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return 'not-https';
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

const scopeSchema = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/);
const emailDomainSchema = singleLine(253)
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/);

/** An amr, acr or AuthnContextClassRef value: printable, no spaces (they are compared exactly). */
const assuranceValueSchema = z.string().regex(/^[\x21-\x7e]{1,256}$/);

/**
 * What a provider's assertion must carry to count as a second factor (SPEC §4c, §3.12), beside the standard OpenID Connect `amr`
 * values `mfa`, `otp`, `hwk` and `sms`, which always count: any listed `amr` value, the listed `acr` values, and (SAML) the listed
 * AuthnContextClassRef values.
 */
export const mfaAssuranceSchema = z.strictObject({
  amr: z.array(assuranceValueSchema).max(20).optional(),
  acr: z.array(assuranceValueSchema).max(20).optional(),
  authnContextClassRefs: z.array(assuranceValueSchema).max(20).optional(),
});
export type MfaAssurance = z.infer<typeof mfaAssuranceSchema>;

/** The `amr` values (RFC 8176) that always mean a second factor at the provider. */
export const secondFactorAmrValues = ['mfa', 'otp', 'hwk', 'sms'] as const;

const providerFields = {
  name: displayText(100).pipe(z.string().min(1)),
  issuer: issuerSchema,
  clientId: singleLine(255).trim().min(1),
  scopes: z.array(scopeSchema).max(20).optional(),
  emailDomains: z.array(emailDomainSchema).max(50).optional(),
  buttonLabel: displayText(100).nullable().optional(),
  isDefault: z.boolean().optional(),
  autoLinkVerifiedEmail: z.boolean().optional(),
  mfaAssurance: mfaAssuranceSchema.optional(),
};

/** `POST /api/v1/admin/identity-providers`. The secret is stored encrypted and never answered. */
export const createIdentityProviderBodySchema = z.strictObject({ ...providerFields, clientSecret: singleLine(1024).min(1) });
export type CreateIdentityProviderBody = z.infer<typeof createIdentityProviderBodySchema>;

/** `PATCH /api/v1/admin/identity-providers/{id}`: any of the fields; a new `clientSecret` replaces the stored one. */
export const updateIdentityProviderBodySchema = z.strictObject({
  name: providerFields.name.optional(),
  issuer: issuerSchema.optional(),
  clientId: providerFields.clientId.optional(),
  clientSecret: singleLine(1024).min(1).optional(),
  scopes: providerFields.scopes,
  emailDomains: providerFields.emailDomains,
  buttonLabel: providerFields.buttonLabel,
  isDefault: providerFields.isDefault,
  autoLinkVerifiedEmail: providerFields.autoLinkVerifiedEmail,
  mfaAssurance: providerFields.mfaAssurance,
});
export type UpdateIdentityProviderBody = z.infer<typeof updateIdentityProviderBodySchema>;

/** An identity provider as answered: never its client secret. */
export const identityProviderSchema = z.object({
  id: idSchema,
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  /** Whether a client secret is stored (it is never answered). */
  clientSecretSet: z.boolean(),
  scopes: z.array(z.string()),
  emailDomains: z.array(z.string()),
  buttonLabel: z.string().nullable(),
  isDefault: z.boolean(),
  autoLinkVerifiedEmail: z.boolean(),
  /** What the provider's assertion must carry to count as a second factor (the standard amr values always count). */
  mfaAssurance: z.object({ amr: z.array(z.string()).optional(), acr: z.array(z.string()).optional(), authnContextClassRefs: z.array(z.string()).optional() }),
  /** The redirect URI to register at the provider: LANYARD_PUBLIC_URL + /api/v1/auth/sso/callback. */
  redirectUri: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type IdentityProviderView = z.infer<typeof identityProviderSchema>;

/** One check of a Test connection, as a stable code (the console names it). */
export const connectionCheckSchema = z.object({
  check: z.enum(['discovery', 'issuer', 'authorizationEndpoint', 'tokenEndpoint', 'jwks', 'codeFlow', 'pkceS256', 'signingAlgorithms']),
  ok: z.boolean(),
  /** A coded reason when not ok (for example `unreachable`, `not-json`, `issuer-mismatch`, `missing`). */
  reason: z.string().optional(),
  /** What was found (an endpoint, the supported algorithms). */
  found: z.union([z.string(), z.array(z.string())]).optional(),
});

/** `POST /api/v1/admin/identity-providers/{id}/test`. */
export const connectionTestSchema = z.object({ ok: z.boolean(), checks: z.array(connectionCheckSchema) });
export type ConnectionTest = z.infer<typeof connectionTestSchema>;

/** A console path to come back to after the sign-in: relative, one leading slash, no scheme, no backslash, no dot segments. */
export const returnToSchema = singleLine(512).refine((value) => isRelativeConsolePath(value), { message: 'Must be a relative console path' });

export function isRelativeConsolePath(value: string): boolean {
  if (!/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$/.test(value)) return false;
  if (value.startsWith('//') || value.includes('\\')) return false;
  const path = value.split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  if (decoded.startsWith('//') || decoded.includes('\\')) return false;
  return !decoded.split('/').some((segment) => segment === '..' || segment === '.' || segment.startsWith('..;'));
}

/** `POST /api/v1/auth/sso/start`. */
export const ssoStartBodySchema = z.strictObject({ username: singleLine(254).trim().min(1), returnTo: returnToSchema.optional() });
export const ssoStartQuerySchema = z.strictObject({ username: singleLine(254).trim().min(1), returnTo: returnToSchema.optional() });
export const authorizationUrlSchema = z.object({ authorizationUrl: z.string() });

/** `GET /api/v1/auth/sso/callback`: what the provider sends back (an error instead of a code when it refused). */
export const ssoCallbackQuerySchema = z.object({
  code: singleLine(4096).optional(),
  state: singleLine(1024).optional(),
  error: singleLine(256).optional(),
  error_description: singleLine(1024).optional(),
  iss: singleLine(2048).optional(),
  session_state: singleLine(1024).optional(),
});

export const identityLinkSchema = z.object({
  id: idSchema,
  providerId: idSchema,
  providerName: z.string(),
  subject: z.string(),
  email: z.string().nullable(),
  linkedAt: z.iso.datetime(),
});
export const identityLinksSchema = z.object({
  items: z.array(identityLinkSchema),
  /** An extra field: whether unlinking asks for the current password (the person has one); false for an SSO-only account. */
  currentPasswordRequired: z.boolean(),
});
/** `GET /api/v1/me/identity-providers` (extra route, `users.edit`): what a person may link to, nothing of its configuration. */
export const linkableIdentityProviderSchema = z.object({ id: idSchema, name: z.string(), buttonLabel: z.string().nullable() });
export type LinkableIdentityProvider = z.infer<typeof linkableIdentityProviderSchema>;
export const linkableIdentityProvidersSchema = z.object({ items: z.array(linkableIdentityProviderSchema) });
export const startIdentityLinkBodySchema = z.strictObject({ providerId: idSchema, returnTo: returnToSchema.optional() });
export const deleteIdentityLinkBodySchema = z.strictObject({ currentPassword: passwordInput.optional() });

/** The `type` of the message the callback's pop-up posts to the console (its own origin only) before it closes. */
export const ssoMessageType = 'lanyard:sso';

/**
 * What the callback tells the console when the tenant's MFA policy requires a factor the provider did not assert: the challenge of
 * the sign-in's second step (`POST /api/v1/auth/login/mfa`, and `…/mfa/enrolment` for `enrol`). In the pop-up's message, or as JSON.
 */
export const ssoSecondStepSchema = z.object({
  secondStep: z.object({ kind: z.enum(['code', 'enrol']), challenge: z.string(), allowedPeriods: z.array(totpPeriodSchema) }),
  returnTo: z.string(),
});
export type SsoSecondStep = z.infer<typeof ssoSecondStepSchema>['secondStep'];

/** The login page's URL fragment that carries the second step after a full-page single sign-on (a fragment never reaches a server). */
export const ssoSecondStepFragmentKey = 'sso-second-step';

export function secondStepFragment(step: SsoSecondStep, returnTo: string): string {
  const params = new URLSearchParams({ [ssoSecondStepFragmentKey]: step.kind, challenge: step.challenge, periods: step.allowedPeriods.join(','), returnTo });
  return params.toString();
}

/** The second step a login page's fragment carries, or null. */
export function readSecondStepFragment(hash: string): { step: SsoSecondStep; returnTo: string } | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const kind = params.get(ssoSecondStepFragmentKey);
  const challenge = params.get('challenge');
  if ((kind !== 'code' && kind !== 'enrol') || challenge === null || challenge === '') return null;
  const allowedPeriods = (params.get('periods') ?? '')
    .split(',')
    .map(Number)
    .filter((period): period is 30 | 60 => period === 30 || period === 60);
  const returnTo = params.get('returnTo') ?? '/';
  return { step: { kind, challenge, allowedPeriods: allowedPeriods.length === 0 ? [30] : allowedPeriods }, returnTo: isRelativeConsolePath(returnTo) ? returnTo : '/' };
}
