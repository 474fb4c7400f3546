// Signs ES256 JWTs off the event loop, a batch per message. Plain JavaScript so it loads in any runner
// without a TypeScript loader.
import { sign } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/** P-256's order n and n / 2. Signatures leave in their low-S form only, as jwt.ts lowS() explains. */
const order = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const half = order >> 1n;
const lowS = (signature) => {
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
  return s <= half ? signature : Buffer.concat([signature.subarray(0, 32), Buffer.from((order - s).toString(16).padStart(64, '0'), 'hex')]);
};

/** Private keys by the number the main thread gave them; KeyObjects arrive once each, cloned. */
const keys = new Map();

parentPort.on('message', (message) => {
  if (message.type === 'key') {
    keys.set(message.id, message.privateKey);
    return;
  }
  try {
    const signatures = message.inputs.map((input, index) =>
      lowS(sign('sha256', Buffer.from(input, 'ascii'), { key: keys.get(message.keyIds[index]), dsaEncoding: 'ieee-p1363' })).toString('base64url'),
    );
    parentPort.postMessage({ batch: message.batch, signatures });
  } catch (error) {
    parentPort.postMessage({ batch: message.batch, error: error instanceof Error ? error.message : String(error) });
  }
});
