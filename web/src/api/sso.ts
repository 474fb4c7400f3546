import {
  authorizationUrlSchema,
  connectionTestSchema,
  identityLinksSchema,
  identityProviderSchema,
  linkableIdentityProvidersSchema,
  ssoMessageType,
  ssoSecondStepSchema,
  type ConnectionTest,
  type CreateIdentityProviderBody,
  type IdentityProviderView,
  type LinkableIdentityProvider,
  type SsoSecondStep,
  type UpdateIdentityProviderBody,
} from '@lanyard/contracts/sso';
import { apiCommand, apiRequest, listOf } from './client.ts';

export const identityProvidersQueryKey = ['admin', 'identity-providers'] as const;
export const identityLinksQueryKey = ['me', 'identity-links'] as const;

/** `POST /auth/sso/start`: the provider's authorization URL for the pop-up (the answer also sets the flow cookie). */
export async function startSso(username: string): Promise<string> {
  const answer = await apiRequest('/auth/sso/start', authorizationUrlSchema, { method: 'POST', body: { username } });
  return answer.authorizationUrl;
}

/**
 * What the callback page posts to its opener before it closes (`server/src/sso/sso-routes.ts`): signed in, or the sign-in's second
 * step to run first (the tenant requires MFA and the provider asserted none), or a refusal's code.
 */
export type SsoMessage = { ok: true; returnTo: string; secondStep?: SsoSecondStep } | { ok: false; code: string };

/** The callback's message, when `event` is one (from this console's own origin only); `null` for any other message. */
export function readSsoMessage(event: MessageEvent): SsoMessage | null {
  if (event.origin !== window.location.origin) return null;
  const data: unknown = event.data;
  if (typeof data !== 'object' || data === null || !('type' in data) || data.type !== ssoMessageType || !('ok' in data)) return null;
  if (data.ok === true && 'returnTo' in data && typeof data.returnTo === 'string') {
    if (!('secondStep' in data)) return { ok: true, returnTo: data.returnTo };
    const parsed = ssoSecondStepSchema.safeParse({ secondStep: data.secondStep, returnTo: data.returnTo });
    return parsed.success ? { ok: true, returnTo: parsed.data.returnTo, secondStep: parsed.data.secondStep } : null;
  }
  if (data.ok === false && 'code' in data && typeof data.code === 'string') return { ok: false, code: data.code };
  return null;
}

export const linkableProvidersQueryKey = ['me', 'identity-providers'] as const;

/** The tenant's providers a person with Users Edit may link to (names and labels only). */
export function listLinkableProviders(signal?: AbortSignal): Promise<LinkableIdentityProvider[]> {
  return apiRequest('/me/identity-providers', linkableIdentityProvidersSchema, { signal }).then((answer) => answer.items);
}

export function listIdentityProviders(signal?: AbortSignal): Promise<IdentityProviderView[]> {
  return apiRequest('/admin/identity-providers', listOf(identityProviderSchema), { signal }).then((answer) => answer.items);
}

export function createIdentityProvider(body: CreateIdentityProviderBody): Promise<IdentityProviderView> {
  return apiRequest('/admin/identity-providers', identityProviderSchema, { method: 'POST', body });
}

export function updateIdentityProvider(id: string, body: UpdateIdentityProviderBody): Promise<IdentityProviderView> {
  return apiRequest(`/admin/identity-providers/${encodeURIComponent(id)}`, identityProviderSchema, { method: 'PATCH', body });
}

export function deleteIdentityProvider(id: string): Promise<void> {
  return apiCommand(`/admin/identity-providers/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function testIdentityProvider(id: string): Promise<ConnectionTest> {
  return apiRequest(`/admin/identity-providers/${encodeURIComponent(id)}/test`, connectionTestSchema, { method: 'POST' });
}

/** My links, and whether unlinking asks my current password (I have one). */
export function listIdentityLinks(signal?: AbortSignal) {
  return apiRequest('/me/identity-links', identityLinksSchema, { signal });
}

export function startIdentityLink(providerId: string): Promise<string> {
  return apiRequest('/me/identity-links', authorizationUrlSchema, { method: 'POST', body: { providerId } }).then((answer) => answer.authorizationUrl);
}

export function unlinkIdentity(id: string, currentPassword: string | undefined): Promise<void> {
  return apiCommand(`/me/identity-links/${encodeURIComponent(id)}`, { method: 'DELETE', body: currentPassword === undefined ? {} : { currentPassword } });
}
