import { describe, expect, it } from 'vitest';
import { TestClock } from './clock.ts';
import { createShortLivedCache } from './short-lived-cache.ts';

function counter() {
  let reads = 0;
  let release: (value: string) => void = () => undefined;
  return {
    reads: () => reads,
    immediate: (value: string) => async () => {
      reads += 1;
      return value;
    },
    /** A read that answers when `release` is called. */
    held: () => () => {
      reads += 1;
      return new Promise<string>((resolve) => (release = resolve));
    },
    release: (value: string) => release(value),
  };
}

describe('short-lived cache', () => {
  it('reads once for concurrent callers, then serves from memory until the entry is too old', async () => {
    const clock = new TestClock();
    const cache = createShortLivedCache<string>({ ttlMs: 1000, clock });
    const source = counter();
    const answers = await Promise.all([cache.get('k', source.immediate('a')), cache.get('k', source.immediate('b'))]);
    expect(answers).toEqual(['a', 'a']);
    clock.advance(999);
    expect(await cache.get('k', source.immediate('c'))).toBe('a');
    expect(source.reads()).toBe(1);
    clock.advance(1);
    expect(await cache.get('k', source.immediate('d'))).toBe('d');
    expect(source.reads()).toBe(2);
  });

  it('does not keep a read that was in flight when something was forgotten', async () => {
    const cache = createShortLivedCache<string>({ ttlMs: 1000, clock: new TestClock() });
    const source = counter();
    const stale = cache.get('k', source.held());
    cache.forgetWhere((_value, key) => key === 'other');
    source.release('before the change');
    expect(await stale).toBe('before the change');
    expect(await cache.get('k', source.immediate('after the change'))).toBe('after the change');
  });

  it('forgets one key, matching entries, or everything; a failed read is not kept', async () => {
    const cache = createShortLivedCache<string>({ ttlMs: 1000, clock: new TestClock() });
    const source = counter();
    await cache.get('a', source.immediate('1'));
    await cache.get('b', source.immediate('2'));
    cache.forget('a');
    expect(await cache.get('a', source.immediate('3'))).toBe('3');
    expect(await cache.get('b', source.immediate('x'))).toBe('2');
    cache.forgetWhere((value) => value === '2');
    expect(await cache.get('b', source.immediate('4'))).toBe('4');
    cache.clear();
    await expect(cache.get('a', () => Promise.reject(new Error('down')))).rejects.toBeInstanceOf(Error);
    expect(await cache.get('a', source.immediate('5'))).toBe('5');
  });
});
