import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from './fastify-types.ts';
import { sendRouteNotFound } from './error-handler.ts';

export const consoleDir = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/**
 * The console's client-side routes (SPEC §4a, plus the console's own pages beside them). A GET or HEAD of one
 * of these answers the console whatever its `Accept` header says (`curl /login` gets HTML); any other unknown
 * path gets the console only when the client asks for HTML, and unknown API paths always get JSON 404.
 */
const consoleRoutes: readonly RegExp[] = [
  /^\/login$/,
  /^\/forgot-password$/,
  /^\/first-access\/[^/]+$/,
  /^\/reset-password\/[^/]+$/,
  /^\/confirm-email\/[^/]+$/,
  /^\/accessibility-statement$/,
  /^\/profile$/,
  /^\/profile\/(general|account|password|security|access-keys|accessibility|downloads)$/,
  /^\/my-account$/,
  /^\/my-account\/(details|access-keys)$/,
  /^\/admin$/,
  /^\/admin\/(users|roles|teams|security|identity-providers|presence-reason-lists|downloads|audit|accessibility-feedback)$/,
  /^\/admin\/users\/[^/]+$/,
  /^\/admin\/security\/(password-policy|access-keys)$/,
];

export function isConsoleRoute(url: string): boolean {
  const queryAt = url.indexOf('?');
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  return consoleRoutes.some((pattern) => pattern.test(pathname));
}

/**
 * Serves the built console at / with a fallback to index.html for its client-side routes. API paths never
 * fall back: an unknown /api route answers ROUTE_NOT_FOUND as JSON.
 */
export async function registerConsole(app: App, directory: string = consoleDir): Promise<void> {
  const available = existsSync(`${directory}index.html`);
  if (available) {
    await app.register(fastifyStatic, {
      root: directory,
      index: false,
      cacheControl: false,
      // Built assets have content hashes in their names, so they can be cached forever.
      setHeaders: (reply, filePath) => {
        if (filePath.includes('/assets/')) void reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }
  const sendConsole = (reply: FastifyReply): FastifyReply =>
    reply.header('cache-control', 'no-cache').header('content-security-policy', contentSecurityPolicy).sendFile('index.html');

  if (available) app.get('/', { schema: { hide: true } }, (_request, reply) => sendConsole(reply));
  app.setNotFoundHandler((request, reply) => {
    const isApi = /^\/(api|oauth|authentication|\.well-known|healthz|readyz|metrics)(\/|$)/.test(request.url);
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    const wantsHtml = (request.headers.accept ?? '').includes('text/html') || isConsoleRoute(request.url);
    if (available && isRead && !isApi && wantsHtml) return sendConsole(reply);
    return sendRouteNotFound(request, reply);
  });
}
