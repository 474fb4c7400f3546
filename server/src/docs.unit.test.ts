import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorDocs } from '@lanyard/contracts/error-docs';
import { configVariables } from './config/config.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('documentation stays true', () => {
  it('docs/errors.md is the error catalogue, word for word (npm run docs:errors)', () => {
    expect(read('docs/errors.md')).toBe(renderErrorDocs());
  });

  it('docs/configuration.md documents every LANYARD_* variable', () => {
    const documentation = read('docs/configuration.md');
    for (const variable of configVariables) expect(documentation, variable).toContain(`\`${variable}\``);
  });
});
