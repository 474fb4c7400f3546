// Runs argon2id off the event loop. Plain JavaScript so it loads in any runner without a TypeScript loader.
import { parentPort } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';

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
