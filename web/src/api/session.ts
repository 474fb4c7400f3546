import { loginResponseSchema, meSchema, type LoginBody, type LoginResponse, type Me } from '@lanyard/contracts/api';
import { apiCommand, apiRequest, isApiError } from './client.ts';

export const meQueryKey = ['me'] as const;

/**
 * Whether this browser holds a session: the server sets a readable `lanyard_signed_in` cookie (no secret)
 * beside the HttpOnly session cookie and clears both together. The console asks GET /api/v1/me only when
 * it is there, so a stranger's visit never meets a 401; a session that ended on the server still answers
 * 401 once, which clears the hint.
 */
export function hasSessionHint(): boolean {
  return /(?:^|;\s*)(?:__Host-)?lanyard_signed_in=/.test(document.cookie);
}

/**
 * The signed-in person, or `null` when there is no valid session (without a session hint, nothing is
 * asked). Only "not signed in" becomes `null`; every other failure stays an error, so the console never
 * mistakes an outage for a sign-out.
 */
export async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
  if (!hasSessionHint()) return null;
  try {
    return await apiRequest('/me', meSchema, { signal });
  } catch (error) {
    if (isApiError(error) && (error.code === 'AUTH_REQUIRED' || error.code === 'AUTH_SESSION_EXPIRED')) return null;
    throw error;
  }
}

/** The sign-in answer: signed in (`mfaRequired:false`), or a challenge for the code or for an enrolment first. */
export function login(body: LoginBody): Promise<LoginResponse> {
  return apiRequest('/auth/login', loginResponseSchema, { method: 'POST', body });
}

export function logout(): Promise<void> {
  return apiCommand('/auth/logout', { method: 'POST' });
}
