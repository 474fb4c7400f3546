#!/usr/bin/env node
// `npm start`: brings the console build and the server bundle up to date (each only when its sources
// changed), then runs the bundled `lanyard serve` in this process. `node bin/lanyard.js` runs the same
// server from its TypeScript sources instead, as the CLI and the tests do.
import { setFlagsFromString } from 'node:v8';
import { pathToFileURL } from 'node:url';
import { ensureConsoleBuild } from './build-console.js';
import { ensureServerBundle } from './build-server.js';

ensureConsoleBuild();
const bundle = await ensureServerBundle();
// The same V8 threshold bin/lanyard.js sets, for the same reason (see there); before the server loads.
setFlagsFromString('--interrupt-budget=8192');
process.setSourceMapsEnabled(true);
process.argv.splice(2, Infinity, 'serve', ...process.argv.slice(2));
await import(pathToFileURL(bundle).href);
