import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { isUniqueViolation } from '../kernel/postgres-errors.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { Db, Executor } from '../storage/db.ts';
import { invalidationTopics, type Notifications } from '../storage/notifications.ts';
import { canonicalName } from '../kernel/names.ts';
import type { UsersService } from '../users/users-service.ts';
import { deleteTeam, findTeam, findTeamForUpdate, insertTeam, listTeams, renameTeam, type Team } from './teams-repo.ts';

/** A tenant's teams. */
export interface TeamsService {
  /** Creates a team in the tenant; refuses a name already used there (compared canonically) with TEAM_NAME_TAKEN. Audited when an actor is given. */
  createTeam(tenantId: string, name: string, by?: { actor: Principal; meta: RequestMeta }): Promise<Team>;
  /** A team of the tenant; refuses an unknown id, or one of another tenant, with TEAM_NOT_FOUND. */
  getTeam(tenantId: string, teamId: string, executor?: Executor): Promise<Team>;
  /** Every team of the tenant. */
  listTeams(tenantId: string): Promise<Team[]>;
  /** Every team of the tenant with how many members it has. */
  listTeamsWithCounts(tenantId: string): Promise<(Team & { membersCount: number })[]>;
  /** Renames a team of the actor's tenant: TEAM_NOT_FOUND, TEAM_NAME_TAKEN. Audited with before and after. */
  renameTeam(actor: Principal, teamId: string, name: string, meta: RequestMeta): Promise<Team>;
  /** Deletes a team; its members become unassigned in the same transaction: TEAM_NOT_FOUND. Audited with the count. */
  deleteTeam(actor: Principal, teamId: string, meta: RequestMeta): Promise<{ unassigned: number }>;
}

export function createTeamsService(deps: {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  users: Pick<UsersService, 'countMembersPerTeam' | 'unassignTeam'>;
  notifications: Pick<Notifications, 'publish' | 'deliverCommitted'>;
}): TeamsService {
  const notFound = (teamId: string) => new AppError('TEAM_NOT_FOUND', { details: { teamId } });
  const nameTaken = (error: unknown, name: string): unknown => (isUniqueViolation(error) ? new AppError('TEAM_NAME_TAKEN', { details: { name } }) : error);
  /** Profiles (cached per instance) show the team's name: forget them everywhere (team changes are rare). */
  const everything = { topic: invalidationTopics.all, id: 'teams' };

  return {
    async createTeam(tenantId, name, by) {
      const createdAt = deps.clock.now();
      const team: Team = { id: newId(createdAt.getTime()), tenantId, name };
      try {
        await deps.db.transaction().execute(async (trx) => {
          await insertTeam(trx, { ...team, nameCanonical: canonicalName(name), createdAt });
          if (by !== undefined) {
            await deps.audit.record(trx, {
              tenantId,
              actorUserId: by.actor.userId,
              action: 'team.created',
              result: 'success',
              targetType: 'team',
              targetId: team.id,
              ip: by.meta.ip,
              details: { name },
            });
          }
        });
      } catch (error) {
        throw nameTaken(error, name);
      }
      return team;
    },

    async getTeam(tenantId, teamId, executor = deps.db) {
      const team = await findTeam(executor, tenantId, teamId);
      if (team === undefined) throw notFound(teamId);
      return team;
    },

    listTeams(tenantId) {
      return listTeams(deps.db, tenantId);
    },

    async listTeamsWithCounts(tenantId) {
      const [teams, counts] = await Promise.all([listTeams(deps.db, tenantId), deps.users.countMembersPerTeam(tenantId)]);
      return teams.map((team) => ({ ...team, membersCount: counts.get(team.id) ?? 0 }));
    },

    async renameTeam(actor, teamId, name, meta) {
      let changed = false;
      let renamed: Team;
      try {
        renamed = await deps.db.transaction().execute(async (trx) => {
          const team = await findTeamForUpdate(trx, actor.tenantId, teamId);
          if (team === undefined) throw notFound(teamId);
          if (team.name === name) return team;
          await renameTeam(trx, actor.tenantId, teamId, name, canonicalName(name));
          await deps.audit.record(trx, {
            tenantId: actor.tenantId,
            actorUserId: actor.userId,
            action: 'team.renamed',
            result: 'success',
            targetType: 'team',
            targetId: teamId,
            ip: meta.ip,
            details: { before: { name: team.name }, after: { name } },
          });
          await deps.notifications.publish(trx, everything);
          changed = true;
          return { ...team, name };
        });
      } catch (error) {
        throw nameTaken(error, name);
      }
      if (changed) deps.notifications.deliverCommitted(everything);
      return renamed;
    },

    async deleteTeam(actor, teamId, meta) {
      const unassigned = await deps.db.transaction().execute(async (trx) => {
        const team = await findTeamForUpdate(trx, actor.tenantId, teamId);
        if (team === undefined) throw notFound(teamId);
        const count = await deps.users.unassignTeam(actor.tenantId, teamId, trx);
        await deleteTeam(trx, actor.tenantId, teamId);
        await deps.audit.record(trx, {
          tenantId: actor.tenantId,
          actorUserId: actor.userId,
          action: 'team.deleted',
          result: 'success',
          targetType: 'team',
          targetId: teamId,
          ip: meta.ip,
          details: { name: team.name, unassigned: count },
        });
        await deps.notifications.publish(trx, everything);
        return count;
      });
      deps.notifications.deliverCommitted(everything);
      return { unassigned };
    },
  };
}
