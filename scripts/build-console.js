#!/usr/bin/env node
// Builds the console (web/dist) unless the build there is up to date. `npm start` runs it before the
// server, so only the first start after a change pays for a build; `npm run build` (and so `npm test`'s
// browser journeys) passes --always and builds every time.
//
// Up to date means: web/dist/.build-stamp holds the SHA-256 of every input of the build — the console's
// sources, the contracts it imports, the lockfile and package manifests, the vite and TypeScript
// configuration — as computed now. The stamp is written after a build succeeds, inside the output
// directory, which vite empties when a build starts: a failed or interrupted build, or a deleted
// web/dist, leaves no stamp, so the next start builds again. Plain JavaScript, so it starts in
// milliseconds (no TypeScript loader).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const distDir = path.join(root, 'web', 'dist');
const stampFile = path.join(distDir, '.build-stamp');

/** Files and directories (relative to the repository) whose content decides what the build produces. */
const inputs = [
  'web/src',
  'web/public',
  'web/index.html',
  'web/vite.config.ts',
  'web/tsconfig.json',
  'web/package.json',
  'contracts/src',
  'contracts/package.json',
  'tsconfig.base.json',
  'package.json',
  'package-lock.json',
];

/** @param {string} relative */
function listFiles(relative) {
  const absolute = path.join(root, relative);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [relative];
  return readdirSync(absolute, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/** The stamp: one hash over every input's path and content, in a fixed order. */
function computeStamp() {
  const hash = createHash('sha256');
  const files = inputs.flatMap(listFiles).map((file) => file.split(path.sep).join('/')).sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  return `${hash.digest('hex')}\n`;
}

function readStamp() {
  try {
    return readFileSync(stampFile, 'utf8');
  } catch {
    return undefined;
  }
}

const always = process.argv.includes('--always');
const stamp = computeStamp();
if (!always && existsSync(path.join(distDir, 'index.html')) && readStamp() === stamp) {
  process.stdout.write('The console build in web/dist is up to date.\n');
} else {
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--workspace', 'web'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stampFile, stamp);
}
