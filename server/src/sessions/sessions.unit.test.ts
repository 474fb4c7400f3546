import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../kernel/clock.ts';
import { parseTenantSettings } from '../tenants/tenants.ts';
import { needsTouch, newSessionRecord, sessionPrincipalOf, sessionState, touchIntervalMs } from './sessions.ts';

const now = new Date('2026-01-02T03:00:00Z');
const tenant = { id: 't-1', settings: parseTenantSettings({ session: { idleMinutes: 10, absoluteHours: 2 } }) };
const meta = { ip: '127.0.0.1', userAgent: 'test-agent', passwordChangeRequired: false };

describe('newSessionRecord', () => {
  it('opens at now with the tenant’s idle and absolute timeouts', () => {
    expect(newSessionRecord({ id: 's-1', userId: 'u-1', tenant, now, meta })).toEqual({
      id: 's-1',
      userId: 'u-1',
      tenantId: 't-1',
      createdAt: now,
      lastSeenAt: now,
      absoluteExpiresAt: new Date(now.getTime() + 2 * HOUR),
      idleTimeoutSeconds: 600,
      ip: '127.0.0.1',
      userAgent: 'test-agent',
      passwordChangeRequired: false,
      secondFactor: false,
    });
  });

  it('stores null for a missing ip or user agent, cuts a long user agent at 512 characters and keeps the password-change flag', () => {
    const session = newSessionRecord({ id: 's', userId: 'u', tenant, now, meta: { ip: undefined, userAgent: 'x'.repeat(2000), passwordChangeRequired: true } });
    expect(session.ip).toBeNull();
    expect(session.userAgent).toHaveLength(512);
    expect(session.passwordChangeRequired).toBe(true);
    expect(newSessionRecord({ id: 's', userId: 'u', tenant, now, meta: { ...meta, userAgent: undefined } }).userAgent).toBeNull();
  });
});

describe('sessionState', () => {
  const session = newSessionRecord({ id: 's', userId: 'u', tenant, now, meta });
  const at = (ms: number) => new Date(now.getTime() + ms);

  it('is active until the idle timeout, then idle-expired', () => {
    expect(sessionState(session, at(10 * MINUTE - 1))).toBe('active');
    expect(sessionState(session, at(10 * MINUTE))).toBe('idle-expired');
  });

  it('is absolute-expired at the absolute expiry even when used just before', () => {
    const used = { ...session, lastSeenAt: at(2 * HOUR - 1000) };
    expect(sessionState(used, at(2 * HOUR - 1))).toBe('active');
    expect(sessionState(used, at(2 * HOUR))).toBe('absolute-expired');
  });
});

describe('needsTouch', () => {
  it('writes lastSeenAt at most once per touch interval', () => {
    const session = { lastSeenAt: now };
    expect(needsTouch(session, new Date(now.getTime() + touchIntervalMs - 1))).toBe(false);
    expect(needsTouch(session, new Date(now.getTime() + touchIntervalMs))).toBe(true);
  });
});

describe('sessionPrincipalOf', () => {
  it('is a session principal with the role’s known permissions and the session’s password-change flag', () => {
    const session = { id: 's-1', userId: 'u-1', tenantId: 't-1', passwordChangeRequired: true, secondFactor: true };
    const principal = sessionPrincipalOf(session, { role: { id: 'r-1', permissions: ['presence.use', 'no.such.permission'] } });
    expect(principal).toEqual({
      kind: 'session',
      userId: 'u-1',
      tenantId: 't-1',
      sessionId: 's-1',
      roleId: 'r-1',
      permissions: new Set(['presence.use']),
      passwordChangeRequired: true,
      secondFactor: true,
    });
  });
});
