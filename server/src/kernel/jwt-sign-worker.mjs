// Signs ES256 JWTs off the event loop, a batch per message. Plain JavaScript so it loads in any runner
// without a TypeScript loader.
import { sign } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/** Private keys by the number the main thread gave them; KeyObjects arrive once each, cloned. */
const keys = new Map();

parentPort.on('message', (message) => {
  if (message.type === 'key') {
    keys.set(message.id, message.privateKey);
    return;
  }
  try {
    const signatures = message.inputs.map((input, index) =>
      sign('sha256', Buffer.from(input, 'ascii'), { key: keys.get(message.keyIds[index]), dsaEncoding: 'ieee-p1363' }).toString('base64url'),
    );
    parentPort.postMessage({ batch: message.batch, signatures });
  } catch (error) {
    parentPort.postMessage({ batch: message.batch, error: error instanceof Error ? error.message : String(error) });
  }
});
