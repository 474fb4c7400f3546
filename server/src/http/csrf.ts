import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import { bearerScheme } from './authentication.ts';

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
  const refusal = (request: FastifyRequest): AppError | undefined => {
    if (!stateChanging.has(request.method)) return undefined;
    if (bearerScheme.test(request.headers.authorization ?? '')) return undefined;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== '') return origin === consoleOrigin ? undefined : new AppError('CSRF_REJECTED');
    const referer = request.headers.referer;
    if (referer !== undefined && referer !== '') return originOf(referer) === consoleOrigin ? undefined : new AppError('CSRF_REJECTED');
    return request.cookies[sessionCookieName] === undefined ? undefined : new AppError('CSRF_REJECTED');
  };
  // A callback hook, not an async one: it runs on every request and has nothing to wait for.
  return (request: FastifyRequest, _reply: unknown, done: (error?: Error) => void): void => {
    const error = refusal(request);
    if (error === undefined) done();
    else done(error);
  };
}

/**
 * For routes only the console calls (such as the live common-password check): the request must carry the
 * console's own Origin, which browsers send with every POST, so no other site and no header-less client
 * uses them. A foreign Origin is already refused by the CSRF check above.
 */
export function consoleOriginOnly(consoleOrigin: string) {
  return (request: FastifyRequest, _reply: unknown, done: (error?: Error) => void): void => {
    if (request.headers.origin === consoleOrigin) done();
    else done(new AppError('CSRF_REJECTED'));
  };
}
