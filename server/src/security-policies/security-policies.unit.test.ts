import { describe, expect, it } from 'vitest';
import { parseTenantSettings } from '../tenants/tenants.ts';
import { accessKeyPolicyView, invitationPolicyView, lockoutPolicyView, sessionPolicyView } from './security-policies.ts';

describe('policy views of the tenant settings', () => {
  const settings = parseTenantSettings({});

  it('read the defaults and write back only their own part', () => {
    expect(sessionPolicyView.read(settings)).toEqual({ idleMinutes: 30, absoluteHours: 12 });
    expect(accessKeyPolicyView.read(settings)).toEqual({ maxPerUser: 5, maxKeyLifetimeDays: null, tokenLifetimeMinutes: 15 });
    expect(invitationPolicyView.read(settings)).toEqual({ lifetimeHours: 24 });
    expect(lockoutPolicyView.read(settings)).toEqual({ maxFailures: 6, lockMinutes: 30 });
    const written = lockoutPolicyView.write(settings, { maxFailures: 3, lockMinutes: 10 });
    expect(written).toEqual({ ...settings, lockout: { maxFailures: 3, lockMinutes: 10 } });
    expect(invitationPolicyView.write(settings, { lifetimeHours: 2 }).invitationLifetimeHours).toBe(2);
  });

  it('refuse an idle timeout longer than the absolute lifetime', () => {
    expect(sessionPolicyView.problem({ idleMinutes: 60, absoluteHours: 1 })).toBeUndefined();
    expect(sessionPolicyView.problem({ idleMinutes: 61, absoluteHours: 1 })).toBe('idle-exceeds-absolute');
  });
});
