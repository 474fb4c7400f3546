import type { AccessKeyPolicy, InvitationPolicy, LockoutPolicy, LoginMethods, SessionPolicy } from '@lanyard/contracts/admin';
import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import type { TenantSettings } from '../tenants/tenants.ts';

/** What an administrator's password-policy page shows: the tenant's policy, each role's override, the presets. */
export interface PolicySettings {
  tenantPolicy: PasswordPolicy;
  roles: { id: string; name: string; passwordPolicy: PasswordPolicy | null }[];
  presets: { id: string; name: string; policy: PasswordPolicy }[];
}

/** A password policy an administrator can save: the minimum must not exceed the maximum (else PASSWORD_POLICY_INVALID). */
export function isConsistentPolicy(policy: PasswordPolicy): boolean {
  return policy.minLength <= policy.maxLength;
}

/**
 * The tenant's security policies beside the password policy, as views of its settings: each reads its part
 * of the settings and writes it back. Where each takes effect:
 * - session: new sessions get both timeouts; a tightened policy also shortens open sessions (never lengthens them);
 * - access keys: the per-user count and the maximum lifetime at the next key creation, the token lifetime at the next grant;
 * - invitation: the lifetime of invitations sent (or resent) from now on;
 * - lockout: the next password attempt (the counter reads the policy every time).
 */
export interface PolicyView<P> {
  read(settings: TenantSettings): P;
  write(settings: TenantSettings, policy: P): TenantSettings;
  /** Why a policy that passed its schema is still refused (SECURITY_POLICY_INVALID), or undefined. */
  problem(policy: P): string | undefined;
}

export type PolicyName = 'session' | 'accessKeys' | 'invitation' | 'lockout' | 'loginMethods';

export const sessionPolicyView: PolicyView<SessionPolicy> = {
  read: (settings) => ({ idleMinutes: settings.session.idleMinutes, absoluteHours: settings.session.absoluteHours }),
  write: (settings, policy) => ({ ...settings, session: { idleMinutes: policy.idleMinutes, absoluteHours: policy.absoluteHours } }),
  problem: (policy) => (policy.idleMinutes > policy.absoluteHours * 60 ? 'idle-exceeds-absolute' : undefined),
};

export const accessKeyPolicyView: PolicyView<AccessKeyPolicy> = {
  read: (settings) => ({
    maxPerUser: settings.accessKeys.maxPerUser,
    maxKeyLifetimeDays: settings.accessKeys.maxKeyLifetimeDays,
    tokenLifetimeMinutes: settings.accessKeys.tokenLifetimeMinutes,
  }),
  write: (settings, policy) => ({
    ...settings,
    accessKeys: { maxPerUser: policy.maxPerUser, maxKeyLifetimeDays: policy.maxKeyLifetimeDays, tokenLifetimeMinutes: policy.tokenLifetimeMinutes },
  }),
  problem: () => undefined,
};

export const invitationPolicyView: PolicyView<InvitationPolicy> = {
  read: (settings) => ({ lifetimeHours: settings.invitationLifetimeHours }),
  write: (settings, policy) => ({ ...settings, invitationLifetimeHours: policy.lifetimeHours }),
  problem: () => undefined,
};

export const lockoutPolicyView: PolicyView<LockoutPolicy> = {
  read: (settings) => ({ maxFailures: settings.lockout.maxFailures, lockMinutes: settings.lockout.lockMinutes }),
  write: (settings, policy) => ({ ...settings, lockout: { maxFailures: policy.maxFailures, lockMinutes: policy.lockMinutes } }),
  problem: () => undefined,
};

/** Password sign-in enabled or disabled (SSO only) for the tenant: the next password attempt. */
export const loginMethodsView: PolicyView<LoginMethods> = {
  read: (settings) => ({ passwordLogin: settings.loginMethods.passwordLogin }),
  write: (settings, policy) => ({ ...settings, loginMethods: { passwordLogin: policy.passwordLogin } }),
  problem: () => undefined,
};
