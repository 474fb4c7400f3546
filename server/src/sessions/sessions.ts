import { isPermission, type Permission } from '@lanyard/contracts/permissions';
import Bowser from 'bowser';
import { HOUR, MINUTE } from '../kernel/clock.ts';
import type { SessionPrincipal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { Membership } from '../users/users.ts';

/** A console session, as the sessions domain reads it (the cookie value itself is never stored). */
export interface SessionRecord {
  id: string;
  userId: string;
  tenantId: string;
  createdAt: Date;
  lastSeenAt: Date;
  absoluteExpiresAt: Date;
  idleTimeoutSeconds: number;
  ip: string | null;
  userAgent: string | null;
  passwordChangeRequired: boolean;
  /** Opened after a second factor (a TOTP or recovery code at the sign-in's second step). */
  secondFactor: boolean;
}

export type SessionState = 'active' | 'idle-expired' | 'absolute-expired';

/** A session ends after `idleTimeoutSeconds` without use, or at its absolute expiry, whichever is first. */
export function sessionState(session: Pick<SessionRecord, 'lastSeenAt' | 'absoluteExpiresAt' | 'idleTimeoutSeconds'>, now: Date): SessionState {
  if (now.getTime() >= session.absoluteExpiresAt.getTime()) return 'absolute-expired';
  if (now.getTime() - session.lastSeenAt.getTime() >= session.idleTimeoutSeconds * 1000) return 'idle-expired';
  return 'active';
}

/** lastSeenAt is written at most this often, so a busy console does not write on every request. */
export const touchIntervalMs = 60_000;

/** How a session is opened: the request's metadata, whether the password must change first, and whether a second factor was given. */
export type SessionStart = RequestMeta & { passwordChangeRequired: boolean; secondFactor?: boolean };

/** A new session in a tenant, opened at `now` with the tenant's idle and absolute timeouts; the user agent is cut at 512 characters. */
export function newSessionRecord(fields: {
  id: string;
  userId: string;
  tenant: Pick<Tenant, 'id' | 'settings'>;
  now: Date;
  meta: SessionStart;
}): SessionRecord {
  const { id, userId, tenant, now, meta } = fields;
  return {
    id,
    userId,
    tenantId: tenant.id,
    createdAt: now,
    lastSeenAt: now,
    absoluteExpiresAt: new Date(now.getTime() + tenant.settings.session.absoluteHours * HOUR),
    idleTimeoutSeconds: (tenant.settings.session.idleMinutes * MINUTE) / 1000,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
    passwordChangeRequired: meta.passwordChangeRequired,
    secondFactor: meta.secondFactor === true,
  };
}

/** Whether a use at `now` should write lastSeenAt (at most once per `touchIntervalMs`). */
export function needsTouch(session: Pick<SessionRecord, 'lastSeenAt'>, now: Date): boolean {
  return now.getTime() - session.lastSeenAt.getTime() >= touchIntervalMs;
}

/** The principal of an active session of an active member: the role's permissions, unknown ones dropped. */
export function sessionPrincipalOf(
  session: Pick<SessionRecord, 'id' | 'userId' | 'tenantId' | 'passwordChangeRequired' | 'secondFactor'>,
  membership: { role: Pick<Membership['role'], 'id' | 'permissions'> },
): SessionPrincipal {
  return {
    kind: 'session',
    userId: session.userId,
    tenantId: session.tenantId,
    sessionId: session.id,
    roleId: membership.role.id,
    permissions: new Set<Permission>(membership.role.permissions.filter(isPermission)),
    passwordChangeRequired: session.passwordChangeRequired,
    secondFactor: session.secondFactor,
  };
}

/**
 * A user agent read for people: "Chrome on Windows", "Safari on iOS", "Firefox" (no system named), or null
 * when it names no browser we know (a script, an empty header).
 */
export function deviceOf(userAgent: string | null): string | null {
  if (userAgent === null || userAgent.trim() === '') return null;
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name;
  const os = parsed.os.name;
  if (browser === undefined || browser === '') return os === undefined || os === '' ? null : os;
  return os === undefined || os === '' ? browser : `${browser} on ${os}`;
}
