import { describe, expect, it } from 'vitest';
import { prefixUpperBound, searchKey } from './search-key.ts';

describe('searchKey', () => {
  it('folds case and accents', () => {
    expect(searchKey('José')).toBe('jose');
    expect(searchKey('Éloïse')).toBe('eloise');
    expect(searchKey('ÉLO')).toBe('elo');
    expect(searchKey('Ångström')).toBe('angstrom');
    expect(searchKey('Straße')).toBe('strasse');
    expect(searchKey('Łukasz Øre')).toBe('lukasz ore');
    expect(searchKey('ＡＢＣ')).toBe('abc');
  });

  it('keeps letters without accents as they are, lowercased', () => {
    expect(searchKey('ana.silva@example.test')).toBe('ana.silva@example.test');
    expect(searchKey('Дмитрий')).toBe('дмитрии'); // й is и with a breve, folded like unaccent does
    expect(searchKey('山田')).toBe('山田');
  });

  it('is stable: folding a key again changes nothing', () => {
    for (const text of ['José', 'Ærøskøbing', 'ǅemal', 'İstanbul', 'Ⅻ']) expect(searchKey(searchKey(text))).toBe(searchKey(text));
  });
});

describe('prefixUpperBound', () => {
  it('increments the last code point', () => {
    expect(prefixUpperBound('jos')).toBe('jot');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}')).toBeUndefined();
    expect(prefixUpperBound('x\ud7ff')).toBe('x\ue000');
  });
});
