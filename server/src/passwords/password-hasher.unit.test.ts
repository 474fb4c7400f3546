import { verifySync } from '@node-rs/argon2';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../errors/app-error.ts';
import { createPasswordHasher, type PasswordHasher } from './password-hasher.ts';

let hasher: PasswordHasher | undefined;
afterEach(async () => hasher?.close());

describe('the argon2id worker pool', () => {
  it('hashes NFKC-normalised passwords with OWASP parameters, verifiable by the reference library', async () => {
    hasher = createPasswordHasher({ size: 1 });
    const phc = await hasher.hash('Cre\u0300me-Brulee-42');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(verifySync(phc, 'Crème-Brulee-42'.normalize('NFKC'))).toBe(true);
    expect(await hasher.verify(phc, 'Crème-Brulee-42')).toBe(true);
    expect(await hasher.verify(phc, 'Creme-Brulee-42')).toBe(false);
  });

  it('sheds work at once with SERVICE_OVERLOADED and Retry-After when the queue is full', async () => {
    hasher = createPasswordHasher({ size: 1, maxQueue: 2 });
    const pool = hasher;
    const settled = await Promise.allSettled(Array.from({ length: 6 }, (_, index) => pool.hash(`Password-${index}`)));
    const refused = settled.filter((result) => result.status === 'rejected');
    // One running and two queued are admitted; the other three are refused without waiting.
    expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    expect(refused).toHaveLength(3);
    for (const result of refused) {
      const reason: unknown = result.status === 'rejected' ? result.reason : undefined;
      expect(isAppError(reason, 'SERVICE_OVERLOADED')).toBe(true);
      expect((reason as { headers: Record<string, string> }).headers['retry-after']).toBe('1');
    }
    expect(pool.stats()).toMatchObject({ hashes: 3, rejected: 3, queued: 0 });
  });

  it('keeps the event loop free while hashing', async () => {
    const pool = createPasswordHasher({ size: 2 });
    hasher = pool;
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    await Promise.all(Array.from({ length: 4 }, (_, index) => pool.hash(`Password-${index}`)));
    clearInterval(timer);
    // Four hashes take well over 100 ms; a blocked loop would have ticked once or twice at most.
    expect(ticks).toBeGreaterThan(5);
  });
});
