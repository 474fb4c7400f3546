#!/usr/bin/env node
// Builds the console (web/dist) unless the build there is up to date. `npm start` runs it before the
// server, so only the first start after a change pays for a build; `npm run build` (and so `npm test`'s
// browser journeys) passes --always and builds every time.
//
// Up to date means: web/dist/.build-stamp holds the SHA-256 of every input of the build — the console's
// sources, the contracts it imports, the lockfile and package manifests, the vite and TypeScript
// configuration — as computed now (scripts/build-stamp.js). The stamp is written after a build succeeds,
// inside the output directory, which vite empties when a build starts: a failed or interrupted build, or a
// deleted web/dist, leaves no stamp, so the next start builds again.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { computeStamp, readStamp, repoRoot, writeStamp } from './build-stamp.js';

const distDir = path.join(repoRoot, 'web', 'dist');
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

/** Builds the console unless web/dist is up to date (or `always`). */
export function ensureConsoleBuild({ always = false } = {}) {
  const stamp = computeStamp(inputs);
  if (!always && existsSync(path.join(distDir, 'index.html')) && readStamp(stampFile) === stamp) {
    process.stdout.write('The console build in web/dist is up to date.\n');
    return;
  }
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--workspace', 'web'], { cwd: repoRoot, stdio: 'inherit' });
  writeStamp(stampFile, stamp);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureConsoleBuild({ always: process.argv.includes('--always') });
}
