#!/usr/bin/env node
// The `lanyard` command. The server is TypeScript run through tsx's loader; nothing to compile first.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// V8 optimises a function once it has run "enough" bytecode; its default threshold suits pages that run
// briefly. A sign-in runs once per request through thousands of functions, and at the rates a password
// hash allows (about a hundred a second per two cores) much of that path still ran unoptimised after 30 s.
// A threshold eight times lower optimises it within seconds: 10-25 % less CPU per sign-in on the event
// loop in alternating runs (bench/login.ts, docs/benchmarks.md). Set before the server's code is loaded.
setFlagsFromString('--interrupt-budget=8192');

register();
await import('../server/src/cli/lanyard.ts');
