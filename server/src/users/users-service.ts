import { canonicalUsername } from '@lanyard/contracts/common';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { isUniqueViolation } from '../kernel/postgres-errors.ts';
import type { Db, Executor } from '../storage/db.ts';
import { invitedUser, type Membership, type NewInvitedUser, type SignInRecord, type User } from './users.ts';
import {
  lockMembership,
  activateWithPassword,
  findMembership,
  findSignInRecord,
  findUser,
  findUserByCanonicalUsername,
  insertMembership,
  insertUser,
  countMembersPerTeam,
  countMembersWithRole,
  unassignTeam,
} from './users-repo.ts';

/** Users and their memberships in tenants. */
export interface UsersService {
  /** Creates an invited (not yet active) user with a membership in the tenant, in `executor`; refuses a taken username with USERNAME_TAKEN. */
  createInvitedUser(input: NewInvitedUser, executor: Executor): Promise<User>;
  /** The user with this username (compared canonically), or undefined. */
  findUserByUsername(username: string): Promise<User | undefined>;
  /** Everything a password sign-in checks, read in one query (see SignInRecord); undefined for an unknown username. */
  findSignInRecord(username: string): Promise<SignInRecord | undefined>;
  /** The user by id; refuses an unknown id with USER_NOT_FOUND. */
  getUser(userId: string, executor?: Executor): Promise<User>;
  /** The user's membership in the tenant, or undefined when they are not a member. */
  findMembership(tenantId: string, userId: string, executor?: Executor): Promise<Membership | undefined>;
  /** A member of the tenant with their membership; a user of another tenant is refused with USER_NOT_FOUND, never as forbidden. */
  getMember(tenantId: string, userId: string, executor?: Executor): Promise<{ user: User; membership: Membership }>;
  /** Makes an invited user active with their first password hash, in `executor`. */
  activateWithPassword(userId: string, passwordHash: string, executor: Executor): Promise<void>;
  /** Locks the membership row until `trx` ends (serialises counts per member, such as access keys); false when there is none. */
  lockMembership(tenantId: string, userId: string, trx: Executor): Promise<boolean>;
  /** How many members of the tenant hold the role, invited ones included. */
  countMembersWithRole(tenantId: string, roleId: string, executor?: Executor): Promise<number>;
  /** Members per team of the tenant; a team without members is absent. */
  countMembersPerTeam(tenantId: string, executor?: Executor): Promise<Map<string, number>>;
  /** Every member of the team becomes unassigned, in `executor`; returns how many there were. */
  unassignTeam(tenantId: string, teamId: string, executor: Executor): Promise<number>;
}

export function createUsersService(deps: { db: Db; clock: Clock }): UsersService {
  const getUser = async (userId: string, executor: Executor = deps.db): Promise<User> => {
    const user = await findUser(executor, userId);
    if (user === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
    return user;
  };

  return {
    async createInvitedUser(input, executor) {
      const createdAt = deps.clock.now();
      const user = invitedUser(input, newId(createdAt.getTime()), createdAt);
      try {
        await insertUser(executor, { ...user, usernameCanonical: canonicalUsername(input.username) });
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('USERNAME_TAKEN', { details: { username: input.username } });
        throw error;
      }
      await insertMembership(executor, { tenantId: input.tenantId, userId: user.id, roleId: input.roleId, teamId: input.teamId, createdAt });
      return user;
    },

    findUserByUsername(username) {
      return findUserByCanonicalUsername(deps.db, canonicalUsername(username));
    },

    findSignInRecord(username) {
      return findSignInRecord(deps.db, canonicalUsername(username));
    },

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

    activateWithPassword(userId, passwordHash, executor) {
      return activateWithPassword(executor, userId, passwordHash, deps.clock.now());
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
  };
}
