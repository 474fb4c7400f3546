// Runs argon2id off the event loop. Plain JavaScript so it loads in any runner without a TypeScript loader.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';

// Hashing must never starve the event loop: on Linux a thread can lower its own scheduling priority
// (setpriority on a thread id affects that thread only), so the main thread always wins the CPU while
// the workers still use every idle cycle. The lowest priority (19): at 10, /healthz p99 during sign-ins
// was 5.4-5.7 ms, at 19 it is 4.9 ms, and each hash costs the same CPU either way (bench/login.ts).
// Elsewhere this is skipped and nothing changes.
try {
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, 19);
} catch {
  // Not Linux, or not permitted: run at normal priority.
}

parentPort.on('message', (task) => {
  try {
    const result =
      task.op === 'hash'
        ? hashSync(task.password, task.options)
        : verifySync(task.hash, task.password);
    parentPort.postMessage({ id: task.id, ok: true, result });
  } catch (error) {
    parentPort.postMessage({ id: task.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
