import type { AccessKeyPolicy, InvitationPolicy, LockoutPolicy, LoginMethods, SessionPolicy } from '@lanyard/contracts/admin';
import { passwordPolicyPresets, type PasswordPolicy } from '@lanyard/contracts/password-policy';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { RolesService } from '../roles/roles-service.ts';
import type { SessionsService } from '../sessions/sessions-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import { invalidationTopics, type Notifications } from '../storage/notifications.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import {
  accessKeyPolicyView,
  invitationPolicyView,
  isConsistentPolicy,
  lockoutPolicyView,
  loginMethodsView,
  sessionPolicyView,
  type PolicyName,
  type PolicySettings,
  type PolicyView,
} from './security-policies.ts';

/** One security policy of the actor's tenant: read it, or replace it (validated, audited with before and after). */
export interface PolicyAccess<P> {
  get(tenantId: string): Promise<P>;
  /** SECURITY_POLICY_INVALID when inconsistent; nothing is stored then. */
  set(actor: Principal, policy: P, meta: RequestMeta): Promise<void>;
}

/**
 * The tenant's session, access-key, invitation and lockout policies, and the password-policy page (the tenant's policy and the
 * roles' overrides; evaluating a member's policy is passwords/' work).
 */
export interface SecurityPoliciesService {
  session: PolicyAccess<SessionPolicy>;
  accessKeys: PolicyAccess<AccessKeyPolicy>;
  invitation: PolicyAccess<InvitationPolicy>;
  lockout: PolicyAccess<LockoutPolicy>;
  /** Password sign-in enabled or disabled (SSO only) for the tenant. */
  loginMethods: PolicyAccess<LoginMethods>;
  /** The tenant's password policy, the roles' overrides and the presets. */
  getPolicySettings(tenantId: string): Promise<PolicySettings>;
  /** Sets the tenant's password policy: PASSWORD_POLICY_INVALID when inconsistent. */
  setTenantPolicy(actor: Principal, policy: PasswordPolicy, meta: RequestMeta): Promise<void>;
  /** Sets (or with null removes) a role's password-policy override: PASSWORD_POLICY_INVALID, ROLE_NOT_FOUND. */
  setRolePolicy(actor: Principal, roleId: string, policy: PasswordPolicy | null, meta: RequestMeta): Promise<void>;
}

export function createSecurityPoliciesService(deps: {
  db: Db;
  tenants: Pick<TenantsService, 'getTenant' | 'updateSettings'>;
  sessions: Pick<SessionsService, 'applyPolicyToOpenSessions'>;
  roles: Pick<RolesService, 'listRoles' | 'setPasswordPolicy'>;
  audit: Pick<AuditService, 'record'>;
  notifications: Pick<Notifications, 'publish' | 'deliverCommitted'>;
}): SecurityPoliciesService {
  /** The credential cache of every instance holds the tenant's token lifetime: forget it everywhere. */
  const credentialsEverywhere = { topic: invalidationTopics.all, id: 'access-key-policy' };

  const access = <P>(name: PolicyName, view: PolicyView<P>, afterChange?: (trx: Executor, tenantId: string, policy: P) => Promise<Record<string, unknown>>, announce = false): PolicyAccess<P> => ({
    async get(tenantId) {
      return view.read((await deps.tenants.getTenant(tenantId)).settings);
    },
    async set(actor, policy, meta) {
      const problem = view.problem(policy);
      if (problem !== undefined) throw new AppError('SECURITY_POLICY_INVALID', { details: { policy: name, problem } });
      await deps.db.transaction().execute(async (trx) => {
        let before: P | undefined;
        await deps.tenants.updateSettings(
          actor.tenantId,
          (settings) => {
            before = view.read(settings);
            return view.write(settings, policy);
          },
          trx,
        );
        const effects = afterChange === undefined ? {} : await afterChange(trx, actor.tenantId, policy);
        await deps.audit.record(trx, {
          tenantId: actor.tenantId,
          actorUserId: actor.userId,
          action: 'policy.changed',
          result: 'success',
          targetType: 'tenant',
          targetId: actor.tenantId,
          ip: meta.ip,
          details: { policy: name, before, after: policy, ...effects },
        });
        if (announce) await deps.notifications.publish(trx, credentialsEverywhere);
      });
      if (announce) deps.notifications.deliverCommitted(credentialsEverywhere);
    },
  });

  return {
    session: access('session', sessionPolicyView, async (trx, tenantId, policy) => ({
      sessionsShortened: await deps.sessions.applyPolicyToOpenSessions(tenantId, policy, trx),
    })),
    accessKeys: access('accessKeys', accessKeyPolicyView, undefined, true),
    invitation: access('invitation', invitationPolicyView),
    lockout: access('lockout', lockoutPolicyView),
    loginMethods: access('loginMethods', loginMethodsView),

    async getPolicySettings(tenantId: string): Promise<PolicySettings> {
      const [tenant, roles] = await Promise.all([deps.tenants.getTenant(tenantId), deps.roles.listRoles(tenantId)]);
      return {
        tenantPolicy: tenant.settings.passwordPolicy,
        roles: roles.map((role) => ({ id: role.id, name: role.name, passwordPolicy: role.passwordPolicy })),
        presets: passwordPolicyPresets.map((preset) => ({ id: preset.id, name: preset.name, policy: preset.policy })),
      };
    },

    async setTenantPolicy(actor: Principal, policy: PasswordPolicy, meta: RequestMeta): Promise<void> {
      if (!isConsistentPolicy(policy)) throw new AppError('PASSWORD_POLICY_INVALID');
      await deps.db.transaction().execute(async (trx) => {
        await deps.tenants.updateSettings(actor.tenantId, (settings) => ({ ...settings, passwordPolicy: policy }), trx);
        await deps.audit.record(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'policy.changed', result: 'success', targetType: 'tenant', targetId: actor.tenantId, ip: meta.ip, details: { passwordPolicy: policy } });
      });
    },

    async setRolePolicy(actor: Principal, roleId: string, policy: PasswordPolicy | null, meta: RequestMeta): Promise<void> {
      if (policy !== null && !isConsistentPolicy(policy)) throw new AppError('PASSWORD_POLICY_INVALID');
      await deps.db.transaction().execute(async (trx) => {
        await deps.roles.setPasswordPolicy(actor.tenantId, roleId, policy, trx);
        await deps.audit.record(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'policy.changed', result: 'success', targetType: 'role', targetId: roleId, ip: meta.ip, details: { passwordPolicy: policy } });
      });
    },
  };
}
