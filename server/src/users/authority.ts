import { isAuthority } from '@lanyard/contracts/permissions';

/**
 * Who may do what to whom across tenants (SPEC §3.12, docs/tenants.md): the one rule every administration route asks.
 *
 * A person has one account and may belong to several tenants. The account as a whole — its password, second factor, unlock codes,
 * identity links, email and whether it is enabled at all — belongs to its **home tenant** (the one that created it); every other
 * tenant manages only its **membership**: role, team, presence reason list, password sign-in override, whether that membership is
 * enabled, and removal. And whatever the action, an administrator acts on another member only when they hold **every permission the
 * member holds in that tenant** (rank; agent capabilities such as `presence.use` are no authority and never count), so a custom role with `users.edit` cannot reset an Administrator's password.
 */

/** What an administrator does to a member. */
export type MemberAction =
  /** Role, team, presence reason list, password sign-in override, the membership's status, removal from the tenant. */
  | 'membership'
  /** Ending the member's sessions in this tenant. */
  | 'sessions'
  /** The member's access keys in this tenant. */
  | 'accessKeys'
  /** Password reset, MFA reset, unlocking and unlock codes, identity links, names and email, disabling or enabling the account. */
  | 'account';

export type AuthorityRefusal = 'ACCOUNT_MANAGED_ELSEWHERE' | 'PERMISSION_DENIED';

export interface Actor {
  userId: string;
  tenantId: string;
  permissions: ReadonlySet<string>;
}

export interface Target {
  userId: string;
  homeTenantId: string;
  /** The permissions of the member's role in the actor's tenant. */
  permissions: readonly string[];
}

/** Why `actor` may not do `action` to `target`, or undefined when they may. */
export function refusalOf(actor: Actor, action: MemberAction, target: Target): AuthorityRefusal | undefined {
  if (action === 'account' && target.homeTenantId !== actor.tenantId) return 'ACCOUNT_MANAGED_ELSEWHERE';
  if (target.userId !== actor.userId && !target.permissions.every((permission) => !isAuthority(permission) || actor.permissions.has(permission))) return 'PERMISSION_DENIED';
  return undefined;
}

/** Whether the actor's tenant manages the account as a whole. */
export function managedHere(actor: Pick<Actor, 'tenantId'>, target: Pick<Target, 'homeTenantId'>): boolean {
  return target.homeTenantId === actor.tenantId;
}
