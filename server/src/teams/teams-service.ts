import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { isUniqueViolation } from '../kernel/postgres-errors.ts';
import type { Db, Executor } from '../storage/db.ts';
import { canonicalName } from '../kernel/names.ts';
import { findTeam, insertTeam, listTeams, type Team } from './teams-repo.ts';

/** A tenant's teams. */
export interface TeamsService {
  /** Creates a team in the tenant; refuses a name already used there (compared canonically) with TEAM_NAME_TAKEN. */
  createTeam(tenantId: string, name: string): Promise<Team>;
  /** A team of the tenant; refuses an unknown id, or one of another tenant, with TEAM_NOT_FOUND. */
  getTeam(tenantId: string, teamId: string, executor?: Executor): Promise<Team>;
  /** Every team of the tenant. */
  listTeams(tenantId: string): Promise<Team[]>;
}

export function createTeamsService(deps: { db: Db; clock: Clock }): TeamsService {
  return {
    async createTeam(tenantId, name) {
      const createdAt = deps.clock.now();
      const team: Team = { id: newId(createdAt.getTime()), tenantId, name };
      try {
        await insertTeam(deps.db, { ...team, nameCanonical: canonicalName(name), createdAt });
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('TEAM_NAME_TAKEN', { details: { name } });
        throw error;
      }
      return team;
    },

    async getTeam(tenantId, teamId, executor = deps.db) {
      const team = await findTeam(executor, tenantId, teamId);
      if (team === undefined) throw new AppError('TEAM_NOT_FOUND', { details: { teamId } });
      return team;
    },

    listTeams(tenantId) {
      return listTeams(deps.db, tenantId);
    },
  };
}
