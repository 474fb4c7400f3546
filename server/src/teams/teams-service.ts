import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { isUniqueViolation } from '../kernel/postgres-errors.ts';
import type { Db, Executor } from '../storage/db.ts';
import { canonicalName } from '../kernel/names.ts';
import { findTeam, insertTeam, listTeams, type Team } from './teams-repo.ts';

export type TeamsService = ReturnType<typeof createTeamsService>;

export function createTeamsService(deps: { db: Db; clock: Clock }) {
  return {
    async createTeam(tenantId: string, name: string): Promise<Team> {
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

    async getTeam(tenantId: string, teamId: string, executor: Executor = deps.db): Promise<Team> {
      const team = await findTeam(executor, tenantId, teamId);
      if (team === undefined) throw new AppError('TEAM_NOT_FOUND', { details: { teamId } });
      return team;
    },

    listTeams(tenantId: string): Promise<Team[]> {
      return listTeams(deps.db, tenantId);
    },
  };
}
