import { describe, expect, it } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  it('makes RFC 9562 version 7 UUIDs', () => {
    expect(newId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps ids strictly increasing within one millisecond and across a clock that stands still', () => {
    const at = Date.UTC(2026, 0, 15);
    const ids = Array.from({ length: 5000 }, () => newId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('encodes the timestamp in the first 48 bits', () => {
    const at = Date.UTC(2030, 5, 1);
    expect(parseInt(newId(at).replaceAll('-', '').slice(0, 12), 16)).toBeGreaterThanOrEqual(at);
  });
});
