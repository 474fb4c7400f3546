import { teamWithCountSchema, updateTeamBodySchema } from '@lanyard/contracts/admin';
import { createTeamBodySchema, teamSchema } from '@lanyard/contracts/api';
import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, signedInSecurity } from '../http/openapi.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { TeamsService } from './teams-service.ts';

const teamParams = z.object({ teamId: idSchema });

export function registerTeamRoutes(app: App, deps: { teams: TeamsService; guards: Guards }): void {
  app.get(
    '/api/v1/admin/teams',
    {
      preHandler: deps.guards.permission('users.view'),
      schema: {
        tags: ['administration'],
        summary: "The tenant's teams, each with how many members it has",
        security: signedInSecurity,
        response: { 200: z.object({ items: z.array(teamWithCountSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const teams = await deps.teams.listTeamsWithCounts(principalOf(request).tenantId);
      return { items: teams.map((team) => ({ id: team.id, name: team.name, membersCount: team.membersCount })) };
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
      const principal = principalOf(request);
      const team = await deps.teams.createTeam(principal.tenantId, request.body.name, { actor: principal, meta: requestMeta(request) });
      return reply.status(201).send({ id: team.id, name: team.name });
    },
  );

  app.patch(
    '/api/v1/admin/teams/:teamId',
    {
      preHandler: deps.guards.permission('teams.manage'),
      schema: {
        tags: ['administration'],
        summary: 'Rename a team',
        security: signedInSecurity,
        params: teamParams,
        body: updateTeamBodySchema,
        response: { 200: teamSchema, ...errorResponses, 404: errorBodySchema.describe('TEAM_NOT_FOUND'), 409: errorBodySchema.describe('TEAM_NAME_TAKEN') },
      },
    },
    async (request) => {
      const team = await deps.teams.renameTeam(principalOf(request), request.params.teamId, request.body.name, requestMeta(request));
      return { id: team.id, name: team.name };
    },
  );

  app.delete(
    '/api/v1/admin/teams/:teamId',
    {
      preHandler: deps.guards.permission('teams.manage'),
      schema: {
        tags: ['administration'],
        summary: 'Delete a team; its members become unassigned',
        security: signedInSecurity,
        params: teamParams,
        response: { 204: noContent, ...errorResponses, 404: errorBodySchema.describe('TEAM_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      await deps.teams.deleteTeam(principalOf(request), request.params.teamId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}
