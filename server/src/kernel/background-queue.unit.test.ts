import { describe, expect, it } from 'vitest';
import { createBackgroundQueue } from './background-queue.ts';

describe('the background queue', () => {
  it('runs jobs one at a time, in order, only after the offering turn of the event loop', async () => {
    const ran: number[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const queue = createBackgroundQueue<number>({
      run: async (job) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        ran.push(job);
        running -= 1;
      },
      onError: () => undefined,
    });
    for (let job = 0; job < 5; job += 1) expect(queue.offer(job)).toBe(true);
    await Promise.resolve();
    expect(ran).toEqual([]);
    await queue.idle();
    expect(ran).toEqual([0, 1, 2, 3, 4]);
    expect(mostAtOnce).toBe(1);
  });

  it('goes on after a job that throws, and reports it', async () => {
    const errors: unknown[] = [];
    const ran: string[] = [];
    const queue = createBackgroundQueue<string>({
      run: async (job) => {
        if (job === 'bad') throw new Error('boom');
        ran.push(job);
      },
      onError: (error) => errors.push(error),
    });
    queue.offer('a');
    queue.offer('bad');
    queue.offer('b');
    await queue.idle();
    expect(ran).toEqual(['a', 'b']);
    expect(errors).toHaveLength(1);
  });

  it('drops jobs past its bound and after close, and close waits for the queued ones', async () => {
    const ran: number[] = [];
    const queue = createBackgroundQueue<number>({ run: async (job) => void ran.push(job), onError: () => undefined, maxPending: 2 });
    expect([queue.offer(1), queue.offer(2), queue.offer(3)]).toEqual([true, true, false]);
    expect(queue.pending()).toBe(2);
    await queue.close();
    expect(ran).toEqual([1, 2]);
    expect(queue.offer(4)).toBe(false);
  });
});
