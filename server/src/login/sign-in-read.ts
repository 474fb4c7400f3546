import type { Executor } from '../storage/db.ts';
import { credentialStateOf } from '../passwords/passwords.ts';
import { parseTenantSettings } from '../tenants/tenants.ts';
import { membershipOf, userOf } from '../users/users.ts';
import type { SignInCandidate, SignInFacts } from './login.ts';

/**
 * The sign-in's one read (ADR 0007, point 4): the user, their membership in their default tenant with role
 * and team (a disabled one too: login-flow's `accountRefusal` refuses it, as for every method), their password credential and that tenant (its lockout and login-method settings), in one indexed
 * query (`users.username_canonical`, then primary keys), as they are now. An unknown username costs the same
 * one statement as a known one. Select-only: the users, memberships, password_credentials and tenants rows are
 * written by their owners' repositories.
 */
export async function findSignInRecord(db: Executor, usernameCanonical: string): Promise<SignInCandidate | undefined> {
  const row = await db
    .selectFrom('users as u')
    .innerJoin('tenants as tn', 'tn.id', 'u.default_tenant_id')
    .leftJoin('password_credentials as pc', 'pc.user_id', 'u.id')
    .leftJoin('memberships as m', (join) => join.onRef('m.user_id', '=', 'u.id').onRef('m.tenant_id', '=', 'u.default_tenant_id'))
    .leftJoin('roles as r', (join) => join.onRef('r.id', '=', 'm.role_id').onRef('r.tenant_id', '=', 'm.tenant_id'))
    .leftJoin('teams as t', (join) => join.onRef('t.id', '=', 'm.team_id').onRef('t.tenant_id', '=', 'm.tenant_id'))
    .select([
      'u.id',
      'u.username',
      'u.email',
      'u.first_name',
      'u.last_name',
      'u.status',
      'u.sso_only',
      'u.default_tenant_id',
      'u.home_tenant_id',
      'u.created_at',
      'pc.password_hash',
      'pc.password_changed_at',
      'pc.password_must_change',
      'pc.failed_login_count',
      'pc.locked_until',
      'r.id as role_id',
      'r.name as role_name',
      'r.permissions',
      'r.password_policy',
      't.id as team_id',
      't.name as team_name',
      'm.password_login',
      'm.disabled as membership_disabled',
      'm.presence_reason_list_id',
      // The gates' and the second step's facts, in the same statement (each was a statement of its own).
      (eb) =>
        eb
          .exists(eb.selectFrom('presence_reason_lists as pl').select('pl.id').whereRef('pl.tenant_id', '=', 'u.default_tenant_id').where('pl.is_default', '=', true))
          .as('tenant_has_default_list'),
      (eb) => eb.exists(eb.selectFrom('mfa_totp as mt').select('mt.user_id').whereRef('mt.user_id', '=', 'u.id').where('mt.confirmed_at', 'is not', null)).as('totp_confirmed'),
      'tn.name as tenant_name',
      'tn.home_region as tenant_home_region',
      'tn.settings as tenant_settings',
      'tn.created_at as tenant_created_at',
    ])
    .where('u.username_canonical', '=', usernameCanonical)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { role_id: roleId, role_name: roleName, permissions } = row;
  return {
    user: userOf(row),
    membership:
      roleId === null || roleName === null || permissions === null
        ? undefined
        : membershipOf(row.default_tenant_id, row.id, {
            role_id: roleId,
            role_name: roleName,
            permissions,
            password_policy: row.password_policy,
            team_id: row.team_id,
            team_name: row.team_name,
            password_login: row.password_login ?? 'tenant',
            disabled: row.membership_disabled ?? false,
          }),
    credential: credentialStateOf(row.id, row),
    facts: { hasPresenceList: row.presence_reason_list_id !== null || Boolean(row.tenant_has_default_list), totpConfirmed: Boolean(row.totp_confirmed) },
    tenant: { id: row.default_tenant_id, name: row.tenant_name, homeRegion: row.tenant_home_region, settings: parseTenantSettings(row.tenant_settings), createdAt: row.tenant_created_at },
  };
}

/**
 * The same facts for a person a method identified without the read above (single sign-on names the account through its identity
 * link), in their membership of `tenantId`: one statement.
 */
export async function findSignInFacts(db: Executor, tenantId: string, userId: string): Promise<SignInFacts> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb
            .selectFrom('memberships as m')
            .select('m.user_id')
            .where('m.tenant_id', '=', tenantId)
            .where('m.user_id', '=', userId)
            .where('m.presence_reason_list_id', 'is not', null),
        )
        .as('has_own_list'),
      eb.exists(eb.selectFrom('presence_reason_lists as pl').select('pl.id').where('pl.tenant_id', '=', tenantId).where('pl.is_default', '=', true)).as('tenant_has_default_list'),
      eb.exists(eb.selectFrom('mfa_totp as mt').select('mt.user_id').where('mt.user_id', '=', userId).where('mt.confirmed_at', 'is not', null)).as('totp_confirmed'),
    ])
    .executeTakeFirstOrThrow();
  return { hasPresenceList: Boolean(row.has_own_list) || Boolean(row.tenant_has_default_list), totpConfirmed: Boolean(row.totp_confirmed) };
}
