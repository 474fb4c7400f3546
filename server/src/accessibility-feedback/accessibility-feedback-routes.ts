import { accessibilityFeedbackBodySchema, accessibilityFeedbackListSchema, accessibilityFeedbackQuerySchema, accessibilityFeedbackSchema } from '@lanyard/contracts/account';
import { errorBodySchema } from '@lanyard/contracts/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerScheme, principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, rateLimitedResponse, signedInSecurity } from '../http/openapi.ts';
import { rateLimit } from '../http/rate-limit.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import type { AccessibilityFeedbackService } from './accessibility-feedback-service.ts';
import { feedbackRateLimit, type AccessibilityFeedbackRecord } from './accessibility-feedback.ts';

function view(record: AccessibilityFeedbackRecord) {
  return { ...record, createdAt: record.createdAt.toISOString() };
}

/** The accessibility statement's feedback form (public) and Administration › Accessibility feedback. */
export function registerAccessibilityFeedbackRoutes(
  app: App,
  deps: { feedback: AccessibilityFeedbackService; guards: Guards; rateLimiter: RateLimiter; sessionCookieName: string },
): void {
  /** Signed in or not: a credential, when one is presented, must be valid; none at all is a signed-out sender. */
  const optionallySignedIn = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const authorization = request.headers.authorization;
    const presented = (authorization !== undefined && bearerScheme.test(authorization)) || request.cookies[deps.sessionCookieName] !== undefined;
    if (presented) await deps.guards.signedIn(request, reply);
  };

  app.post(
    '/api/v1/accessibility-feedback',
    {
      onRequest: rateLimit(deps.rateLimiter, { name: 'accessibility-feedback', ...feedbackRateLimit }),
      config: { allowDuringPasswordChange: true },
      preHandler: optionallySignedIn,
      schema: {
        tags: ['accessibility'],
        summary: 'Send feedback about the accessibility of the console, signed in or not',
        description: [
          `At most ${feedbackRateLimit.limit} per ${feedbackRateLimit.windowMs / 60_000} minutes from one network. Signed in, the feedback is for the`,
          'sender\'s tenant; signed out, for the tenant named by `tenantId` (TENANT_NOT_FOUND if unknown), else for the deployment\'s',
          'first tenant (the earliest created: its operator), whose administrators read it in Administration › Accessibility feedback.',
        ].join(' '),
        body: accessibilityFeedbackBodySchema,
        response: { 201: accessibilityFeedbackSchema, ...errorResponses, 404: errorBodySchema.describe('TENANT_NOT_FOUND'), ...rateLimitedResponse },
      },
    },
    async (request, reply) => reply.status(201).send(view(await deps.feedback.send(request.principal, request.body))),
  );

  app.get(
    '/api/v1/admin/accessibility-feedback',
    {
      preHandler: deps.guards.permission('audit.view'),
      schema: {
        tags: ['administration'],
        summary: 'Administration › Accessibility feedback: the feedback sent for my tenant, newest first',
        description: 'Needs audit.view. Keyset pages: pass `nextCursor` as `cursor` for the next one.',
        security: signedInSecurity,
        querystring: accessibilityFeedbackQuerySchema,
        response: { 200: accessibilityFeedbackListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const page = await deps.feedback.list(principalOf(request).tenantId, { limit: request.query.limit, cursor: request.query.cursor });
      return { items: page.items.map(view), nextCursor: page.nextCursor };
    },
  );
}
