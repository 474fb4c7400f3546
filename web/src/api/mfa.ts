import { loginMfaResponseSchema, type LoginMfaResponse } from '@lanyard/contracts/api';
import {
  mfaPolicySchema,
  mfaStatusSchema,
  recoveryCodesSchema,
  sessionListSchema,
  totpEnrolmentSchema,
  type MfaPolicy,
  type MfaStatus,
  type SessionList,
  type StartTotpBody,
  type TotpEnrolment,
  type TotpPeriod,
} from '@lanyard/contracts/mfa';
import { apiCommand, apiRequest } from './client.ts';

// --- My second factor (My Profile › Security) ---

export const mfaStatusQueryKey = ['me', 'mfa'] as const;

export function fetchMfaStatus(signal?: AbortSignal): Promise<MfaStatus> {
  return apiRequest('/me/mfa', mfaStatusSchema, { signal });
}

/** The pending enrolment: the only answer that holds the secret (a generated one, or the one typed). */
export function startTotp(body: StartTotpBody): Promise<TotpEnrolment> {
  return apiRequest('/me/mfa/totp', totpEnrolmentSchema, { method: 'POST', body });
}

/** Turns the pending factor on; the ten recovery codes come back once. */
export async function confirmTotp(code: string): Promise<string[]> {
  return (await apiRequest('/me/mfa/totp/confirm', recoveryCodesSchema, { method: 'POST', body: { code } })).recoveryCodes;
}

export function disableTotp(currentPassword: string): Promise<void> {
  return apiCommand('/me/mfa/totp', { method: 'DELETE', body: { currentPassword } });
}

export async function regenerateRecoveryCodes(currentPassword: string): Promise<string[]> {
  return (await apiRequest('/me/mfa/recovery-codes', recoveryCodesSchema, { method: 'POST', body: { currentPassword } })).recoveryCodes;
}

// --- Sign-in second step ---

export function loginWithCode(challenge: string, code: string): Promise<LoginMfaResponse> {
  return apiRequest('/auth/login/mfa', loginMfaResponseSchema, { method: 'POST', body: { challenge, code } });
}

/** Forced enrolment at sign-in: the secret for this challenge; the next code enrols and signs in. */
export function startEnrolmentAtSignIn(challenge: string, choice: { secret?: string; period?: TotpPeriod }): Promise<TotpEnrolment> {
  return apiRequest('/auth/login/mfa/enrolment', totpEnrolmentSchema, { method: 'POST', body: { challenge, ...choice } });
}

// --- Sessions ---

export const sessionsQueryKey = ['me', 'sessions'] as const;

export function listSessions(signal?: AbortSignal): Promise<SessionList> {
  return apiRequest('/me/sessions', sessionListSchema, { signal });
}

export function endSession(id: string): Promise<void> {
  return apiCommand(`/me/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

// --- Administration › Security › MFA policy ---

export const mfaPolicyQueryKey = ['admin', 'mfa-policy'] as const;

export function fetchMfaPolicy(signal?: AbortSignal): Promise<MfaPolicy> {
  return apiRequest('/admin/security/mfa-policy', mfaPolicySchema, { signal });
}

export function saveMfaPolicy(policy: MfaPolicy): Promise<MfaPolicy> {
  return apiRequest('/admin/security/mfa-policy', mfaPolicySchema, { method: 'PUT', body: policy });
}

export function resetUserMfa(userId: string): Promise<void> {
  return apiCommand(`/admin/users/${encodeURIComponent(userId)}/mfa-reset`, { method: 'POST' });
}
