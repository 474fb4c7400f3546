#!/usr/bin/env node
// The `lanyard` command. The server is TypeScript run through tsx's loader; nothing to compile first.
import { register } from 'tsx/esm/api';

register();
await import('../server/src/cli/lanyard.ts');
