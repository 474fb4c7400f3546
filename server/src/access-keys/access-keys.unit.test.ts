import { describe, expect, it } from 'vitest';
import { latestKeyExpiry } from './access-keys.ts';

describe('latestKeyExpiry', () => {
  it('is the tenant’s maximum key lifetime from now, or none without a limit', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    expect(latestKeyExpiry(now, null)).toBeNull();
    expect(latestKeyExpiry(now, 30)?.toISOString()).toBe('2026-07-01T12:00:00.000Z');
  });
});
