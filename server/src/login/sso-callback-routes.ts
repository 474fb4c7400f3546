import { randomBytes } from 'node:crypto';
import { errorBodySchema } from '@lanyard/contracts/common';
import { secondStepFragment, ssoCallbackQuerySchema, ssoMessageType, ssoSecondStepSchema } from '@lanyard/contracts/sso';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isAppError } from '../errors/app-error.ts';
import { setSessionCookie, type CookieSettings } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, rateLimitedResponse } from '../http/openapi.ts';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import { flowCookieName, ssoCallbackPath } from '../sso/sso.ts';
import type { OidcMethod } from './oidc-method.ts';

/**
 * `GET /api/v1/auth/sso/callback`: where every identity provider returns (the sign-in flows start in sso/'s routes, which set the flow
 * cookie this reads and clears). The OpenID Connect method's route: a session cookie, a second step, or a linked identity.
 */
export function registerSsoCallbackRoutes(
  app: App,
  deps: { oidc: OidcMethod; cookie: CookieSettings; publicUrl: URL; rateLimiter: RateLimiter; authRateLimit: Omit<RateLimitRule, 'name'> },
): void {
  const flowCookie = flowCookieName(deps.cookie.secure);

  app.get(
    ssoCallbackPath,
    {
      onRequest: [rateLimit(deps.rateLimiter, { name: 'sso-callback', ...deps.authRateLimit })],
      schema: {
        tags: ['sign-in'],
        summary: "Where every provider returns (LANYARD_PUBLIC_URL + this path is the redirect URI to register): signs in to the provider's tenant (or links), then closes the pop-up or redirects",
        description:
          'Answers a small HTML page: in a pop-up it posts `{type:"lanyard:sso", ok, returnTo | code}` to the console origin only and closes; otherwise it goes to `returnTo` (or `/login?error=SSO_FAILED`). Where the tenant\'s MFA policy requires a factor of the person\'s role and the provider asserted none, no session is opened: the message carries `secondStep:{kind:"code"|"enrol", challenge, allowedPeriods}` for `POST /api/v1/auth/login/mfa` (and `…/mfa/enrolment`); without an opener the page goes to `/login#sso-second-step=…` (a fragment: never sent to a server, never in a Referer). An API client gets `{secondStep}` as JSON. A refusal is 401 SSO_FAILED (the precise reason is in the audit log and the server log only), or 403 PRESENCE_REASON_LIST_REQUIRED for a member whose role has presence.use without any presence reason list: that page for a browser (`Accept: text/html`), the catalogue\'s JSON error otherwise.',
        querystring: ssoCallbackQuerySchema,
        response: { 200: z.union([z.string().describe('HTML'), ssoSecondStepSchema]), ...errorResponses, 401: errorBodySchema.describe('SSO_FAILED (a browser, Accept: text/html, gets an HTML page that tells the console instead)'), 403: errorBodySchema.describe('PRESENCE_REASON_LIST_REQUIRED (a browser gets the HTML page too)'), ...rateLimitedResponse },
      },
    },
    async (request, reply) => {
      const reference = request.cookies[flowCookie];
      void reply.clearCookie(flowCookie, { httpOnly: true, sameSite: 'lax', secure: deps.cookie.secure, path: ssoCallbackPath });
      const callbackUrl = new URL(request.url, deps.publicUrl.origin);
      try {
        const outcome = await deps.oidc.callback(reference === '' ? undefined : reference, callbackUrl, requestMeta(request));
        if (outcome.kind === 'second-step') {
          const secondStep = { kind: outcome.enrolment ? ('enrol' as const) : ('code' as const), challenge: outcome.challenge, allowedPeriods: outcome.allowedPeriods };
          if (!acceptsHtml(request)) return reply.header('cache-control', 'no-store').send({ secondStep, returnTo: outcome.returnTo });
          return sendPage(reply, 200, deps.publicUrl.origin, { type: ssoMessageType, ok: true, secondStep, returnTo: outcome.returnTo }, `/login#${secondStepFragment(secondStep, outcome.returnTo)}`);
        }
        if (outcome.kind === 'signed-in') setSessionCookie(reply, deps.cookie, outcome.session.token);
        return sendPage(reply, 200, deps.publicUrl.origin, { type: ssoMessageType, ok: true, returnTo: outcome.returnTo }, outcome.returnTo);
      } catch (error) {
        // A browser (the pop-up, or the page after a redirect) gets the page that tells the console; an API client the catalogue's JSON.
        const refusal = pageRefusals.find((entry) => isAppError(error, entry.code));
        if (refusal === undefined || !acceptsHtml(request)) throw error;
        return sendPage(reply, refusal.status, deps.publicUrl.origin, { type: ssoMessageType, ok: false, code: refusal.code }, `/login?error=${refusal.code}`);
      }
    },
  );
}

/** The refusals a browser at the callback gets as the page that tells the console (any other error is the catalogue's JSON). */
const pageRefusals = [
  { code: 'SSO_FAILED', status: 401 },
  { code: 'PRESENCE_REASON_LIST_REQUIRED', status: 403 },
] as const;

/** The callback's page: tells the opener (the console's origin only) and closes, or goes to `fallback` in this window. */
function sendPage(reply: FastifyReply, status: number, origin: string, message: Record<string, unknown>, fallback: string) {
  const nonce = randomBytes(16).toString('base64');
  const data = JSON.stringify({ origin, message, fallback }).replaceAll('<', '\\u003c');
  const script = `const d=${data};if(window.opener&&!window.opener.closed){window.opener.postMessage(d.message,d.origin);window.close();}else{location.replace(d.fallback);}`;
  const title = message.ok !== true ? String(message.code) : 'secondStep' in message ? 'Second step' : 'Signed in';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><p>${title}</p><p><a href="${escapeHtml(fallback)}">Continue</a></p><script nonce="${nonce}">${script}</script></body></html>`;
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'`)
    .serializer((payload: unknown) => String(payload))
    .send(html);
}

function acceptsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/i.test(request.headers.accept ?? '');
}

function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
