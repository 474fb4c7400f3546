import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors/app-error.ts';
import { contentDisposition, decideRange, defaultFileName, matchesEtag, validFileName } from './downloads.ts';

describe('decideRange', () => {
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-9', { kind: 'partial', start: 0, end: 9 }],
    ['bytes=5-', { kind: 'partial', start: 5, end: 99 }],
    ['bytes=-5', { kind: 'partial', start: 95, end: 99 }],
    ['bytes=-500', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=90-500', { kind: 'partial', start: 90, end: 99 }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=9-5', { kind: 'full' }],
    ['bytes=0-1,4-5', { kind: 'full' }],
    ['items=0-5', { kind: 'full' }],
    ['bytes=-', { kind: 'full' }],
  ])('%s of 100 bytes → %j', (header, decision) => {
    expect(decideRange(header, 100)).toEqual(decision);
  });
});

describe('file names', () => {
  it.each(['../x', 'a/b', 'a\\b', '..', '.hidden', 'a..b', 'nul\u0000', 'c:x', 'x?'])('refuses %j', (name) => {
    expect(() => validFileName(name)).toThrow();
    try {
      validFileName(name);
    } catch (error) {
      expect(isAppError(error, 'DOWNLOAD_FILE_NAME_INVALID')).toBe(true);
    }
  });

  it('keeps a plain name and makes one from name and version', () => {
    expect(validFileName(' lanyard-setup 1.2.msi ')).toBe('lanyard-setup 1.2.msi');
    expect(defaultFileName('Lanyard / Agent', '1.2.3')).toBe('Lanyard-Agent-1.2.3');
    expect(defaultFileName('..', '..')).toBe('download');
  });

  it('Content-Disposition carries an ASCII fallback and the exact name', () => {
    expect(contentDisposition('Résumé 100%.pdf')).toBe(`attachment; filename="R_sum_ 100_.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20100%25.pdf`);
  });

  it('If-None-Match matches lists, weak validators and *', () => {
    expect(matchesEtag('"a", "b"', '"b"')).toBe(true);
    expect(matchesEtag('W/"b"', '"b"')).toBe(true);
    expect(matchesEtag('*', '"b"')).toBe(true);
    expect(matchesEtag('"c"', '"b"')).toBe(false);
    expect(matchesEtag(undefined, '"b"')).toBe(false);
  });
});
