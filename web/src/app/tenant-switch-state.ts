import { mfaChallengeSchema, totpPeriodSchema, type TotpPeriod } from '@lanyard/contracts/mfa';

/** The console path of the forced enrolment a tenant switch asks for. */
export const tenantSwitchPath = '/switch-tenant';

/** What the tenant picker hands to the forced enrolment of a switch (router state, read once and then cleared from the history). */
export interface TenantSwitchState {
  challenge: string;
  allowedPeriods: TotpPeriod[];
  /** The tenant being switched to, and the one the session is in until the enrolment is done. */
  tenantName: string;
  currentName: string;
}

/** The switch's state from `403 MFA_ENROLLMENT_REQUIRED`'s details (`challenge`, `allowedPeriods`) and the two tenants' names; undefined when anything is missing. */
export function tenantSwitchStateOf(details: Readonly<Record<string, unknown>>, tenantName: string | undefined, currentName: string): TenantSwitchState | undefined {
  return readTenantSwitchState({ challenge: details.challenge, allowedPeriods: details.allowedPeriods, tenantName, currentName });
}

/** Reads location state defensively: it can hold anything. */
export function readTenantSwitchState(state: unknown): TenantSwitchState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const fields = state as Record<string, unknown>;
  const challenge = mfaChallengeSchema.safeParse(fields.challenge);
  const periods = Array.isArray(fields.allowedPeriods) ? fields.allowedPeriods.map((period) => totpPeriodSchema.safeParse(period)) : [];
  const { tenantName, currentName } = fields;
  if (!challenge.success || periods.length === 0 || typeof tenantName !== 'string' || tenantName === '' || typeof currentName !== 'string') return undefined;
  const allowedPeriods: TotpPeriod[] = [];
  for (const period of periods) {
    if (!period.success) return undefined;
    allowedPeriods.push(period.data);
  }
  return { challenge: challenge.data, allowedPeriods, tenantName, currentName };
}
