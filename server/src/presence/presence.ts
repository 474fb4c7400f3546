import type { MicrophoneOutcome } from '@lanyard/contracts/presence';

/** A tenant's presence reason list: the reasons an agent gives for being away, in their order. */
export interface PresenceReasonList {
  id: string;
  tenantId: string;
  name: string;
  reasons: { label: string }[];
  isDefault: boolean;
  createdAt: Date;
}

/** The list a new tenant starts with, as its default, so its agents can sign in from the first day. */
export const starterList = { name: 'Default', reasons: ['Break', 'Lunch', 'Training', 'Meeting'].map((label) => ({ label })) } as const;

/** The list a member works with: their own, else the tenant default; none means a presence.use member may not sign in. */
export type EffectiveList = { id: string; name: string; source: 'own' | 'default' } | null;

export function effectiveList(own: Pick<PresenceReasonList, 'id' | 'name'> | undefined, tenantDefault: Pick<PresenceReasonList, 'id' | 'name'> | undefined): EffectiveList {
  if (own !== undefined) return { id: own.id, name: own.name, source: 'own' };
  if (tenantDefault !== undefined) return { id: tenantDefault.id, name: tenantDefault.name, source: 'default' };
  return null;
}

/** Whether a member with these permissions works with a presence reason list (SPEC §3.2): `presence.use`, an agent capability. */
export function needsPresenceList(permissions: Iterable<string>): boolean {
  for (const permission of permissions) if (permission === 'presence.use') return true;
  return false;
}

/**
 * Whether the sign-in and tenant-switch check may refuse this person for want of a list: one who needs a list, unless they hold
 * `security.policies.manage` (SPEC §4b "Administration, completed"), who must be able to sign in and set one.
 */
export function presenceListGuards(permissions: Iterable<string>): boolean {
  const held = [...permissions];
  return needsPresenceList(held) && !held.includes('security.policies.manage');
}

export interface MicrophoneRecord {
  outcome: MicrophoneOutcome;
  recordedAt: Date;
}

/** The console asks for the microphone until the browser has allowed it once (blocked and no device ask again). */
export function microphonePromptNeeded(usesPresence: boolean, record: MicrophoneRecord | undefined): boolean {
  return usesPresence && record?.outcome !== 'allowed';
}
