import { createTeamBodySchema, teamSchema } from '@lanyard/contracts/api';
import { errorBodySchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, signedInSecurity } from '../http/openapi.ts';
import type { TeamsService } from './teams-service.ts';

export function registerTeamRoutes(app: App, deps: { teams: TeamsService; guards: Guards }): void {
  app.get(
    '/api/v1/admin/teams',
    {
      preHandler: deps.guards.permission('users.view'),
      schema: {
        tags: ['administration'],
        summary: "The tenant's teams",
        security: signedInSecurity,
        response: { 200: z.object({ items: z.array(teamSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const teams = await deps.teams.listTeams(principalOf(request).tenantId);
      return { items: teams.map((team) => ({ id: team.id, name: team.name })) };
    },
  );

  app.post(
    '/api/v1/admin/teams',
    {
      preHandler: deps.guards.permission('teams.manage'),
      schema: {
        tags: ['administration'],
        summary: 'Create a team',
        security: signedInSecurity,
        body: createTeamBodySchema,
        response: { 201: teamSchema, ...errorResponses, 409: errorBodySchema.describe('TEAM_NAME_TAKEN') },
      },
    },
    async (request, reply) => {
      const team = await deps.teams.createTeam(principalOf(request).tenantId, request.body.name);
      return reply.status(201).send({ id: team.id, name: team.name });
    },
  );
}
