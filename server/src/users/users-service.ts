import { canonicalUsername } from '@lanyard/contracts/common';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { isUniqueViolation } from '../kernel/postgres-errors.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { Membership, SignInRecord, User } from './users.ts';
import {
  lockMembership,
  activateWithPassword,
  findMembership,
  findSignInRecord,
  findUser,
  findUserByCanonicalUsername,
  insertMembership,
  insertUser,
} from './users-repo.ts';

export type UsersService = ReturnType<typeof createUsersService>;

export interface NewInvitedUser {
  tenantId: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  roleId: string;
  teamId: string | null;
}

export function createUsersService(deps: { db: Db; clock: Clock }) {
  return {
    /** Creates an invited (not yet active) user with a membership in the tenant. */
    async createInvitedUser(input: NewInvitedUser, executor: Executor): Promise<User> {
      const createdAt = deps.clock.now();
      const user: User = {
        id: newId(createdAt.getTime()),
        username: input.username,
        email: input.email,
        firstName: input.firstName,
        lastName: input.lastName,
        status: 'invited',
        passwordHash: null,
        passwordChangedAt: null,
        defaultTenantId: input.tenantId,
        createdAt,
      };
      try {
        await insertUser(executor, { ...user, usernameCanonical: canonicalUsername(input.username) });
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('USERNAME_TAKEN', { details: { username: input.username } });
        throw error;
      }
      await insertMembership(executor, { tenantId: input.tenantId, userId: user.id, roleId: input.roleId, teamId: input.teamId, createdAt });
      return user;
    },

    findUserByUsername(username: string): Promise<User | undefined> {
      return findUserByCanonicalUsername(deps.db, canonicalUsername(username));
    },

    /** Everything a password sign-in checks, read in one query (see SignInRecord). */
    findSignInRecord(username: string): Promise<SignInRecord | undefined> {
      return findSignInRecord(deps.db, canonicalUsername(username));
    },

    /** Locks the membership row until `trx` ends (serialises per-member counts); false when there is none. */
    lockMembership(tenantId: string, userId: string, trx: Executor): Promise<boolean> {
      return lockMembership(trx, tenantId, userId);
    },

    async getUser(userId: string, executor: Executor = deps.db): Promise<User> {
      const user = await findUser(executor, userId);
      if (user === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
      return user;
    },

    findMembership(tenantId: string, userId: string, executor: Executor = deps.db): Promise<Membership | undefined> {
      return findMembership(executor, tenantId, userId);
    },

    /** A user of another tenant is reported as not found, never as forbidden. */
    async getMember(tenantId: string, userId: string, executor: Executor = deps.db): Promise<{ user: User; membership: Membership }> {
      const membership = await findMembership(executor, tenantId, userId);
      if (membership === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
      return { user: await this.getUser(userId, executor), membership };
    },

    activateWithPassword(userId: string, passwordHash: string, executor: Executor): Promise<void> {
      return activateWithPassword(executor, userId, passwordHash, deps.clock.now());
    },
  };
}
