import { describe, expect, it } from 'vitest';
import { loadPasswordBlocklist } from './blocklist.ts';

describe('the common-password list', () => {
  it('ships at least 100,000 distinct entries and finds them regardless of case', async () => {
    const list = await loadPasswordBlocklist();
    expect(list.size).toBeGreaterThanOrEqual(100_000);
    for (const common of ['123456', 'password', 'qwerty', 'PASSWORD', 'Password1', 'iloveyou', 'trustno1']) {
      expect(list.has(common), common).toBe(true);
    }
  });

  it('does not flag strong passwords, and normalises compatibility forms', async () => {
    const list = await loadPasswordBlocklist();
    for (const strong of ['Correct-Horse-42-battery', 'zx9#Lq2!vB7@', '']) expect(list.has(strong), strong).toBe(false);
    expect(list.has('ｐａｓｓｗｏｒｄ')).toBe(true);
  });
});
