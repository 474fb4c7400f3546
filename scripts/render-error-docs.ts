import { writeFileSync } from 'node:fs';
import { renderErrorDocs } from '../contracts/src/error-docs.ts';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorDocs());
