import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import {
  createPresenceReasonListBodySchema,
  microphoneStateSchema,
  myPresenceReasonListSchema,
  presenceReasonListSchema,
  recordMicrophoneBodySchema,
  setDefaultPresenceReasonListBodySchema,
  updatePresenceReasonListBodySchema,
  type PresenceReasonList as PresenceReasonListAnswer,
} from '@lanyard/contracts/presence';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, signedInSecurity } from '../http/openapi.ts';
import { requestMeta } from '../http/request-meta.ts';
import { needsPresenceList } from './presence.ts';
import type { PresenceReasonListWithCount, PresenceService } from './presence-service.ts';

const listParams = z.object({ listId: idSchema });
const answer = (list: PresenceReasonListWithCount): PresenceReasonListAnswer => ({
  id: list.id,
  name: list.name,
  reasons: list.reasons.map((reason) => ({ label: reason.label })),
  isDefault: list.isDefault,
  assignedCount: list.assignedCount,
});
const notFound = { 404: errorBodySchema.describe('PRESENCE_REASON_LIST_NOT_FOUND') };

export function registerPresenceRoutes(app: App, deps: { presence: PresenceService; guards: Guards }): void {
  const manage = deps.guards.permission('presence.lists.manage');

  app.get(
    '/api/v1/admin/presence-reason-lists',
    {
      preHandler: manage,
      schema: {
        tags: ['administration'],
        summary: "The tenant's presence reason lists, by name, each with its reasons in order, whether it is the default, and how many users are assigned it",
        security: signedInSecurity,
        response: { 200: z.object({ items: z.array(presenceReasonListSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ items: (await deps.presence.listLists(principalOf(request).tenantId)).map(answer) }),
  );

  app.post(
    '/api/v1/admin/presence-reason-lists',
    {
      preHandler: manage,
      schema: {
        tags: ['administration'],
        summary: 'Create a presence reason list (the reasons in their order: Break, Lunch, Training, Meeting…)',
        security: signedInSecurity,
        body: createPresenceReasonListBodySchema,
        response: { 201: presenceReasonListSchema, ...errorResponses, 409: errorBodySchema.describe('PRESENCE_REASON_LIST_NAME_TAKEN') },
      },
    },
    async (request, reply) => reply.status(201).send(answer(await deps.presence.createList(principalOf(request), request.body, requestMeta(request)))),
  );

  // Before `/:listId`, so "default" is never read as an id (it is not a UUID either way).
  app.put(
    '/api/v1/admin/presence-reason-lists/default',
    {
      preHandler: manage,
      schema: {
        tags: ['administration'],
        summary: "Choose the tenant's default presence reason list (null: none; then users without a list of their own who use presence cannot sign in)",
        security: signedInSecurity,
        body: setDefaultPresenceReasonListBodySchema,
        response: { 204: noContent, ...errorResponses, ...notFound },
      },
    },
    async (request, reply) => {
      await deps.presence.setDefault(principalOf(request), request.body.listId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/admin/presence-reason-lists/:listId',
    {
      preHandler: manage,
      schema: { tags: ['administration'], summary: 'One presence reason list', security: signedInSecurity, params: listParams, response: { 200: presenceReasonListSchema, ...errorResponses, ...notFound } },
    },
    async (request) => answer(await deps.presence.getList(principalOf(request).tenantId, request.params.listId)),
  );

  app.patch(
    '/api/v1/admin/presence-reason-lists/:listId',
    {
      preHandler: manage,
      schema: {
        tags: ['administration'],
        summary: 'Rename a presence reason list and/or replace its reasons (their order is the order given)',
        security: signedInSecurity,
        params: listParams,
        body: updatePresenceReasonListBodySchema,
        response: { 200: presenceReasonListSchema, ...errorResponses, ...notFound, 409: errorBodySchema.describe('PRESENCE_REASON_LIST_NAME_TAKEN') },
      },
    },
    async (request) => answer(await deps.presence.updateList(principalOf(request), request.params.listId, request.body, requestMeta(request))),
  );

  app.delete(
    '/api/v1/admin/presence-reason-lists/:listId',
    {
      preHandler: manage,
      schema: {
        tags: ['administration'],
        summary: 'Delete a presence reason list; refused while it is the default or assigned to a user',
        security: signedInSecurity,
        params: listParams,
        response: {
          204: noContent,
          ...errorResponses,
          ...notFound,
          409: errorBodySchema.describe('PRESENCE_REASON_LIST_IS_DEFAULT, PRESENCE_REASON_LIST_IN_USE (details.assignedCount)'),
        },
      },
    },
    async (request, reply) => {
      await deps.presence.deleteList(principalOf(request), request.params.listId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me/presence-reason-list',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['profile'],
        summary: 'The presence reason list the signed-in user works with (their own, else the tenant default), and whether their role needs one',
        security: signedInSecurity,
        response: { 200: myPresenceReasonListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return { required: needsPresenceList(principal.permissions), list: await deps.presence.effectiveListOf(principal.tenantId, principal.userId) };
    },
  );

  app.get(
    '/api/v1/me/microphone',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['profile'],
        summary: 'The microphone outcome last recorded for the signed-in user (allowed, blocked, no-device, or null), and whether the console should ask for it',
        description: 'The console asks users whose role has `presence.use` until the browser has allowed the microphone once.',
        security: signedInSecurity,
        response: { 200: microphoneStateSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return deps.presence.microphone(principal.userId, principal.permissions);
    },
  );

  app.put(
    '/api/v1/me/microphone',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['profile'],
        summary: 'Record what the browser answered when the console asked for the microphone',
        security: signedInSecurity,
        body: recordMicrophoneBodySchema,
        response: { 200: microphoneStateSchema, ...errorResponses },
      },
    },
    async (request) => deps.presence.recordMicrophone(principalOf(request), request.body.outcome, requestMeta(request)),
  );
}
