import { mfaChallengeSchema, totpPeriodSchema, type TotpPeriod } from '@lanyard/contracts/mfa';

/** The console path of the forced enrolment a tenant switch asks for. */
export const tenantSwitchPath = '/switch-tenant';

/**
 * What the tenant picker hands to the second step of a switch (router state, read once and then cleared from the history): a forced
 * enrolment (`allowedPeriods` set) or a code (none: the person has a factor, the session was opened without it).
 */
export interface TenantSwitchState {
  challenge: string;
  /** The enrolment's periods; empty for a code. */
  allowedPeriods: TotpPeriod[];
  /** The tenant being switched to, and the one the session is in until the enrolment is done. */
  tenantName: string;
  currentName: string;
}

/**
 * The switch's state from the details of `403 MFA_ENROLLMENT_REQUIRED` (`challenge`, `allowedPeriods`) or `403 MFA_CODE_REQUIRED`
 * (`challenge`) and the two tenants' names; undefined when anything is missing.
 */
export function tenantSwitchStateOf(code: 'MFA_ENROLLMENT_REQUIRED' | 'MFA_CODE_REQUIRED', details: Readonly<Record<string, unknown>>, tenantName: string | undefined, currentName: string): TenantSwitchState | undefined {
  const allowedPeriods = code === 'MFA_CODE_REQUIRED' ? [] : details.allowedPeriods;
  const state = readTenantSwitchState({ challenge: details.challenge, allowedPeriods, tenantName, currentName });
  return code === 'MFA_ENROLLMENT_REQUIRED' && state?.allowedPeriods.length === 0 ? undefined : state;
}

/** Reads location state defensively: it can hold anything. */
export function readTenantSwitchState(state: unknown): TenantSwitchState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const fields = state as Record<string, unknown>;
  const challenge = mfaChallengeSchema.safeParse(fields.challenge);
  const periods = Array.isArray(fields.allowedPeriods) ? fields.allowedPeriods.map((period) => totpPeriodSchema.safeParse(period)) : [];
  const { tenantName, currentName } = fields;
  if (!challenge.success || !Array.isArray(fields.allowedPeriods) || typeof tenantName !== 'string' || tenantName === '' || typeof currentName !== 'string') return undefined;
  const allowedPeriods: TotpPeriod[] = [];
  for (const period of periods) {
    if (!period.success) return undefined;
    allowedPeriods.push(period.data);
  }
  return { challenge: challenge.data, allowedPeriods, tenantName, currentName };
}
