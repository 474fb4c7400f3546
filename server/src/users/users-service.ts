import { canonicalUsername } from '@lanyard/contracts/common';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { isUniqueViolation } from '../kernel/postgres-errors.ts';
import type { Db, Executor } from '../storage/db.ts';
import { enabledStatus, invitedUser, ssoOnlyUser, type Membership, type NewInvitedUser, type PasswordLoginSetting, type User } from './users.ts';
import {
  lockEnabledMembersOfRole,
  lockMembership,
  setInvitationExpiry,
  updateMembership,
  updateUserStatus,
  activate,
  findMembership,
  findUser,
  findUserByCanonicalUsername,
  findUsersByEmail,
  listEnabledMembershipTenantIds,
  insertMembership,
  insertUser,
  countMembersPerTeam,
  countMembersWithRole,
  unassignTeam,
  setDefaultTenant,
  updatePersonalDetails,
  setMembershipDisabled,
  deleteMembership,
  listMembershipTenants,
  setHomeAndDefaultTenant,
} from './users-repo.ts';
import { refusalOf, type Actor, type MemberAction } from './authority.ts';

/** Users and their memberships in tenants. */
export interface UsersService {
  /**
   * Creates an invited (not yet active) user with a membership in the tenant, in `executor`; refuses a taken username with USERNAME_TAKEN.
   * With `ssoOnly` the user is active at once, has no password and signs in through single sign-on only (password sign-in off for them).
   * Until `recordInvitation` the directory shows an invited user as Pending Invite.
   */
  createInvitedUser(input: NewInvitedUser, executor: Executor, options?: { ssoOnly?: boolean }): Promise<User>;
  /** Records, in `executor`, the expiry of the invitation just issued to a member: from now on the directory shows Invited, then Expired Invitation. */
  recordInvitation(tenantId: string, userId: string, expiresAt: Date, executor: Executor): Promise<void>;
  /**
   * An administrator enables or disables a user, in `executor`; enabling gives back what they had (active when
   * they have a password — the caller asks the passwords domain — or sign in through SSO only, else invited).
   */
  setEnabled(userId: string, enabled: boolean, executor: Executor, options?: { hasPassword?: boolean }): Promise<User>;
  /** Changes a member's role, team or password sign-in override, in `executor` (the caller checked that they exist in the tenant). */
  changeMembership(tenantId: string, userId: string, change: { roleId?: string; teamId?: string | null; passwordLogin?: PasswordLoginSetting }, executor: Executor): Promise<void>;
  /** Locks and answers the enabled members of a role in the tenant until `trx` ends (the last-Administrator check). */
  lockEnabledMembersOfRole(tenantId: string, roleId: string, trx: Executor): Promise<string[]>;
  /** The user with this username (compared canonically), or undefined. */
  findUserByUsername(username: string): Promise<User | undefined>;
  /** The user with this username, else the one user with this email (an email two accounts share finds none), or undefined. */
  findUserByUsernameOrEmail(value: string): Promise<User | undefined>;
  /** The tenants where the user's membership is not disabled on its own (sign-in may land there), oldest membership first. */
  listEnabledTenantIds(userId: string): Promise<string[]>;
  /** The user by id; refuses an unknown id with USER_NOT_FOUND. */
  getUser(userId: string, executor?: Executor): Promise<User>;
  /** The user's membership in the tenant, or undefined when they are not a member. */
  findMembership(tenantId: string, userId: string, executor?: Executor): Promise<Membership | undefined>;
  /** A member of the tenant with their membership; a user of another tenant is refused with USER_NOT_FOUND, never as forbidden. */
  getMember(tenantId: string, userId: string, executor?: Executor): Promise<{ user: User; membership: Membership }>;
  /** Makes an invited user active, in `executor` (with the first password the passwords domain stores in the same transaction). */
  activate(userId: string, executor: Executor): Promise<void>;
  /** Locks the membership row until `trx` ends (serialises counts per member, such as access keys); false when there is none. */
  lockMembership(tenantId: string, userId: string, trx: Executor): Promise<boolean>;
  /** How many members of the tenant hold the role, invited ones included. */
  countMembersWithRole(tenantId: string, roleId: string, executor?: Executor): Promise<number>;
  /** Members per team of the tenant; a team without members is absent. */
  countMembersPerTeam(tenantId: string, executor?: Executor): Promise<Map<string, number>>;
  /** Every member of the team becomes unassigned, in `executor`; returns how many there were. */
  unassignTeam(tenantId: string, teamId: string, executor: Executor): Promise<number>;
  /** Adds an existing user to another tenant with a role (and team), in `executor`; USER_ALREADY_MEMBER. */
  addMembership(tenantId: string, user: User, membership: { roleId: string; teamId: string | null }, executor: Executor): Promise<void>;
  /** Sets the tenant a sign-in lands in, in `executor` (the caller checked that the user is a member there). */
  setDefaultTenant(userId: string, tenantId: string, executor?: Executor): Promise<void>;
  /** Changes the user's first or last name or email (My Profile › Account), in `executor`; the directory's search keys follow. */
  updatePersonalDetails(userId: string, change: { firstName?: string; lastName?: string; email?: string }, executor: Executor): Promise<User>;
  /**
   * The member an administrator is about to act on, once the tenant-boundary rule (authority.ts) allows it: USER_NOT_FOUND for
   * someone who is not a member of the actor's tenant; 403 ACCOUNT_MANAGED_ELSEWHERE for an account-wide action on an account homed
   * in another tenant; 403 PERMISSION_DENIED when the member holds a permission the actor lacks. Read in `executor` (lock first).
   */
  getManageableMember(actor: Actor, action: MemberAction, userId: string, executor?: Executor): Promise<{ user: User; membership: Membership }>;
  /**
   * Enables or disables one membership alone, in `executor` (another tenant's account: sign-in to, and switching into, this tenant
   * stop; the account is untouched). A default tenant left disabled moves to another enabled membership. False when nothing changed.
   */
  setMembershipEnabled(tenantId: string, user: User, enabled: boolean, executor: Executor): Promise<boolean>;
  /**
   * Removes the person from the tenant, in `executor` (their access keys there go with the membership). The account stays: its
   * default tenant and, when this was its home, its home move to the membership joined earliest (an enabled one first); an account
   * left with no membership is disabled, never deleted. USER_NOT_FOUND when they are not a member.
   */
  removeMembership(tenantId: string, user: User, executor: Executor): Promise<{ accountDisabled: boolean; homeTenantId: string }>;
}

/** Where sign-ins land once `leaving` is no longer usable: the home tenant if it is an enabled membership, else the earliest enabled one. */
function landingTenant(memberships: { tenantId: string; disabled: boolean }[], homeTenantId: string, leaving: string): string | undefined {
  const usable = memberships.filter((entry) => !entry.disabled && entry.tenantId !== leaving);
  return (usable.find((entry) => entry.tenantId === homeTenantId) ?? usable[0])?.tenantId;
}

export function createUsersService(deps: { db: Db; clock: Clock }): UsersService {
  const getUser = async (userId: string, executor: Executor = deps.db): Promise<User> => {
    const user = await findUser(executor, userId);
    if (user === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
    return user;
  };

  return {
    async createInvitedUser(input, executor, options = {}) {
      const createdAt = deps.clock.now();
      const ssoOnly = options.ssoOnly === true;
      const user = (ssoOnly ? ssoOnlyUser : invitedUser)(input, newId(createdAt.getTime()), createdAt);
      try {
        await insertUser(executor, { ...user, usernameCanonical: canonicalUsername(input.username) });
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('USERNAME_TAKEN', { details: { username: input.username } });
        throw error;
      }
      await insertMembership(executor, {
        tenantId: input.tenantId,
        user,
        roleId: input.roleId,
        teamId: input.teamId,
        createdAt,
        ...(ssoOnly ? { passwordLogin: 'disabled' as const } : {}),
      });
      return user;
    },

    recordInvitation(tenantId, userId, expiresAt, executor) {
      return setInvitationExpiry(executor, tenantId, userId, expiresAt);
    },

    async setEnabled(userId, enabled, executor, options = {}) {
      const user = await getUser(userId, executor);
      const status = enabled ? (user.status === 'disabled' ? enabledStatus(user, options.hasPassword === true) : user.status) : 'disabled';
      if (status === user.status) return user;
      const updated = await updateUserStatus(executor, userId, status, deps.clock.now());
      if (updated === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
      return updated;
    },

    changeMembership(tenantId, userId, change, executor) {
      return updateMembership(executor, tenantId, userId, change);
    },

    lockEnabledMembersOfRole(tenantId, roleId, trx) {
      return lockEnabledMembersOfRole(trx, tenantId, roleId);
    },

    findUserByUsername(username) {
      return findUserByCanonicalUsername(deps.db, canonicalUsername(username));
    },

    async findUserByUsernameOrEmail(value) {
      const byUsername = await findUserByCanonicalUsername(deps.db, canonicalUsername(value));
      if (byUsername !== undefined || !value.includes('@')) return byUsername;
      const byEmail = await findUsersByEmail(deps.db, value.trim());
      return byEmail.length === 1 ? byEmail[0] : undefined;
    },

    listEnabledTenantIds: (userId) => listEnabledMembershipTenantIds(deps.db, userId),

    lockMembership(tenantId, userId, trx) {
      return lockMembership(trx, tenantId, userId);
    },

    getUser,

    findMembership(tenantId, userId, executor = deps.db) {
      return findMembership(executor, tenantId, userId);
    },

    async getMember(tenantId, userId, executor = deps.db) {
      const membership = await findMembership(executor, tenantId, userId);
      if (membership === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
      return { user: await getUser(userId, executor), membership };
    },

    activate(userId, executor) {
      return activate(executor, userId, deps.clock.now());
    },

    countMembersWithRole(tenantId, roleId, executor = deps.db) {
      return countMembersWithRole(executor, tenantId, roleId);
    },

    countMembersPerTeam(tenantId, executor = deps.db) {
      return countMembersPerTeam(executor, tenantId);
    },

    unassignTeam(tenantId, teamId, executor) {
      return unassignTeam(executor, tenantId, teamId);
    },

    async addMembership(tenantId, user, membership, executor) {
      try {
        await insertMembership(executor, { tenantId, user, roleId: membership.roleId, teamId: membership.teamId, createdAt: deps.clock.now() });
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('USER_ALREADY_MEMBER', { details: { userId: user.id, tenantId } });
        throw error;
      }
    },

    setDefaultTenant(userId, tenantId, executor = deps.db) {
      return setDefaultTenant(executor, userId, tenantId, deps.clock.now());
    },

    async getManageableMember(actor, action, userId, executor = deps.db) {
      const membership = await findMembership(executor, actor.tenantId, userId);
      if (membership === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
      const user = await getUser(userId, executor);
      const refusal = refusalOf(actor, action, { userId, homeTenantId: user.homeTenantId, permissions: membership.role.permissions });
      if (refusal !== undefined) throw new AppError(refusal, { details: { userId, ...(refusal === 'PERMISSION_DENIED' ? { reason: 'outranked' } : {}) } });
      return { user, membership };
    },

    async setMembershipEnabled(tenantId, user, enabled, executor) {
      const membership = await findMembership(executor, tenantId, user.id);
      if (membership === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId: user.id } });
      if (membership.disabled === !enabled) return false;
      await setMembershipDisabled(executor, tenantId, user, !enabled);
      if (!enabled && user.defaultTenantId === tenantId) {
        const next = landingTenant(await listMembershipTenants(executor, user.id), user.homeTenantId, tenantId);
        if (next !== undefined) await setHomeAndDefaultTenant(executor, user.id, { defaultTenantId: next }, deps.clock.now());
      }
      return true;
    },

    async removeMembership(tenantId, user, executor) {
      if (!(await deleteMembership(executor, tenantId, user.id))) throw new AppError('USER_NOT_FOUND', { details: { userId: user.id } });
      const remaining = await listMembershipTenants(executor, user.id);
      const now = deps.clock.now();
      if (remaining.length === 0) {
        await updateUserStatus(executor, user.id, 'disabled', now);
        return { accountDisabled: true, homeTenantId: user.homeTenantId };
      }
      const homeTenantId = user.homeTenantId === tenantId ? (remaining.find((entry) => !entry.disabled) ?? remaining[0])?.tenantId : undefined;
      const home = homeTenantId ?? user.homeTenantId;
      const defaultTenantId = user.defaultTenantId === tenantId ? landingTenant(remaining, home, tenantId) : undefined;
      if (homeTenantId !== undefined || defaultTenantId !== undefined) {
        await setHomeAndDefaultTenant(executor, user.id, { ...(homeTenantId === undefined ? {} : { homeTenantId }), ...(defaultTenantId === undefined ? {} : { defaultTenantId }) }, now);
      }
      return { accountDisabled: false, homeTenantId: home };
    },

    async updatePersonalDetails(userId, change, executor) {
      const user = await updatePersonalDetails(executor, userId, change, deps.clock.now());
      if (user === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
      return user;
    },
  };
}
