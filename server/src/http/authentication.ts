import type { Permission } from '@lanyard/contracts/permissions';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import type { Principal } from '../kernel/principal.ts';

export interface CookieSettings {
  name: string;
  /** A readable companion cookie that only says "this browser has a session", so the console asks GET /api/v1/me only then. */
  hintName: string;
  secure: boolean;
}

/** `__Host-` cookies must be Secure, host-only and path=/; over plain http (development) the prefix is dropped. */
export function sessionCookieSettings(secure: boolean): CookieSettings {
  const prefix = secure ? '__Host-' : '';
  return { name: `${prefix}lanyard_session`, hintName: `${prefix}lanyard_signed_in`, secure };
}

/**
 * The session cookie (HttpOnly) and its hint (readable by the console, value `1`, no secret), set and
 * cleared together: a session that ends on the server clears both at the first request that finds it gone.
 */
export function setSessionCookie(reply: FastifyReply, cookie: CookieSettings, token: string): void {
  void reply.setCookie(cookie.name, token, { httpOnly: true, sameSite: 'lax', secure: cookie.secure, path: '/' });
  void reply.setCookie(cookie.hintName, '1', { httpOnly: false, sameSite: 'lax', secure: cookie.secure, path: '/' });
}

export function clearSessionCookie(reply: FastifyReply, cookie: CookieSettings): void {
  void reply.clearCookie(cookie.name, { httpOnly: true, sameSite: 'lax', secure: cookie.secure, path: '/' });
  void reply.clearCookie(cookie.hintName, { httpOnly: false, sameSite: 'lax', secure: cookie.secure, path: '/' });
}

export function readSessionToken(request: FastifyRequest, cookie: CookieSettings): string | undefined {
  const value = request.cookies[cookie.name];
  return value === undefined || value === '' ? undefined : value;
}

export type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface Guards {
  /** The route needs a signed-in principal. */
  signedIn: Guard;
  /** The route needs a principal holding every permission listed. */
  permission(...permissions: Permission[]): Guard;
}

/** `Authorization: Bearer …` (the scheme is case-insensitive, RFC 9110 §11.1). */
export const bearerScheme = /^bearer[ \t]/i;

/**
 * Every /api/v1 route accepts a console session (cookie) or an access token (`Authorization: Bearer`),
 * with the same permission checks. A request that presents a bearer token is judged by it alone.
 */
/**
 * What the guards need to turn a credential into a principal. http/ declares it and the composition root
 * (app.ts) fills it with the sessions and tokens services, so http/ depends on no domain.
 */
export interface Authenticator {
  /** A console session cookie's value → its principal, or AUTH_REQUIRED / AUTH_SESSION_EXPIRED. */
  session(token: string): Promise<Principal>;
  /** A bearer access token → its principal, or TOKEN_INVALID. */
  bearer(token: string): Promise<Principal>;
}

/** Every guard `createGuards` makes, so `runGuardsFirst` can find them among a route's hooks. */
const guardFunctions = new WeakSet<Guard>();

function markGuard(guard: Guard): Guard {
  guardFunctions.add(guard);
  return guard;
}

export function isGuard(hook: unknown): boolean {
  return typeof hook === 'function' && guardFunctions.has(hook as Guard);
}

/** A route's hooks of one kind, as Fastify accepts them: none, one function or a list. */
type RouteHooks = Partial<Record<'onRequest' | 'preValidation' | 'preHandler', unknown>>;

function hookList(hooks: unknown): unknown[] {
  if (hooks === undefined || hooks === null) return [];
  return Array.isArray(hooks) ? [...(hooks as unknown[])] : [hooks];
}

/**
 * Authentication and the permission check come before anything else a route does with the request: a
 * route declares its guard as `preHandler` (the place Fastify documents for it), but Fastify runs
 * pre-handlers after parsing and validating the body, so a caller without the permission would learn the
 * route's shape from its 400s. This moves every guard a route lists (in `preHandler` or `preValidation`)
 * to the end of its `onRequest` hooks, after the route's rate limits, before the body is read. Registered
 * on the app before any route, so no route can forget it.
 */
export function runGuardsFirst(route: RouteOptions): void {
  const hooks = route as unknown as RouteHooks;
  const moved: unknown[] = [];
  for (const name of ['preHandler', 'preValidation'] as const) {
    const listed = hookList(hooks[name]);
    const kept = listed.filter((hook) => !isGuard(hook));
    if (kept.length === listed.length) continue;
    moved.push(...listed.filter((hook) => isGuard(hook)));
    if (kept.length === 0) delete hooks[name];
    else hooks[name] = kept;
  }
  if (moved.length > 0) hooks.onRequest = [...hookList(hooks.onRequest), ...moved];
}

export function createGuards(deps: { authenticator: Authenticator; cookie: CookieSettings }): Guards {
  const signedIn: Guard = markGuard(async (request, reply) => {
    const authorization = request.headers.authorization;
    if (authorization !== undefined && bearerScheme.test(authorization)) {
      // The token's own syntax is the tokens service's to judge: anything that is not a compact JWS it
      // issued, stray characters included, is TOKEN_INVALID there.
      const token = authorization.slice(7).trim();
      if (token === '') throw new AppError('TOKEN_INVALID', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
      request.principal = await deps.authenticator.bearer(token);
      return;
    }
    const token = readSessionToken(request, deps.cookie);
    if (token === undefined) {
      // A hint without its session (the browser dropped one of them): clear it, so the console stops asking.
      if (request.cookies[deps.cookie.hintName] !== undefined) clearSessionCookie(reply, deps.cookie);
      throw new AppError('AUTH_REQUIRED');
    }
    let principal: Principal;
    try {
      principal = await deps.authenticator.session(token);
    } catch (error) {
      clearSessionCookie(reply, deps.cookie);
      throw error;
    }
    request.principal = principal;
    if (principal.kind === 'session' && principal.passwordChangeRequired && request.routeOptions.config.allowDuringPasswordChange !== true) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED');
    }
  });
  return {
    signedIn,
    permission(...permissions) {
      return markGuard(async (request, reply) => {
        await signedIn(request, reply);
        const principal = request.principal as Principal;
        const missing = permissions.filter((permission) => !principal.permissions.has(permission));
        if (missing.length > 0) throw new AppError('PERMISSION_DENIED', { details: { missing } });
      });
    },
  };
}

/** The principal of a route guarded by `signedIn` or `permission`. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new AppError('AUTH_REQUIRED');
  return request.principal;
}
