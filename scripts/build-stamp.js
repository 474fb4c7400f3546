// A build's stamp: one SHA-256 over the path and content of every input of the build, in a fixed order.
// A build writes it into its output directory after it succeeds; a start compares it with the stamp
// computed now and rebuilds only when they differ. Plain JavaScript, so it runs in milliseconds.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * @param {string} relative a file or directory, relative to the repository
 * @param {(file: string) => boolean} include
 */
function listFiles(relative, include) {
  const absolute = path.join(repoRoot, relative);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [relative];
  return readdirSync(absolute, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(repoRoot, path.join(entry.parentPath, entry.name)))
    .filter(include);
}

/**
 * @param {readonly string[]} inputs files and directories relative to the repository
 * @param {(file: string) => boolean} [include] which files of those directories count
 */
export function computeStamp(inputs, include = () => true) {
  const hash = createHash('sha256');
  const files = inputs.flatMap((input) => listFiles(input, include)).map((file) => file.split(path.sep).join('/')).sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(repoRoot, file)));
    hash.update('\0');
  }
  return `${hash.digest('hex')}\n`;
}

/** @param {string} stampFile */
export function readStamp(stampFile) {
  try {
    return readFileSync(stampFile, 'utf8');
  } catch {
    return undefined;
  }
}

/** @param {string} stampFile @param {string} stamp */
export function writeStamp(stampFile, stamp) {
  writeFileSync(stampFile, stamp);
}
