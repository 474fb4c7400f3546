import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.ts';

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/**
 * Cross-site request forgery defence (SPEC §4a). A state-changing request that is not bearer-authenticated
 * must come from the console's own origin: Origin when the browser sends it, else Referer. A request that
 * carries the session cookie but neither header is refused. Requests with neither header nor cookie
 * (scripts using the API) pass: without the cookie there is no ambient authority to abuse.
 */
export function createCsrfCheck(consoleOrigin: string, sessionCookieName: string) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!stateChanging.has(request.method)) return;
    if (/^bearer\s/i.test(request.headers.authorization ?? '')) return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== '') {
      if (origin !== consoleOrigin) throw new AppError('CSRF_REJECTED');
      return;
    }
    const referer = request.headers.referer;
    if (referer !== undefined && referer !== '') {
      if (originOf(referer) !== consoleOrigin) throw new AppError('CSRF_REJECTED');
      return;
    }
    if (request.cookies[sessionCookieName] !== undefined) throw new AppError('CSRF_REJECTED');
  };
}
