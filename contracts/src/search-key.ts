/**
 * The search key of a name, username or email in the user directory: case- and accent-insensitive, so a
 * prefix typed in any case and with or without accents finds it ("jose" finds "José", "ÉLO" finds
 * "Éloïse"). Computed here rather than in SQL because the embedded database has no `unaccent`; the
 * directory stores it beside the name on every write and folds the typed prefix the same way (the console may
 * use it too, e.g. to highlight what matched).
 */
const letterFolds: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  ł: 'l',
  Ł: 'l',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  ı: 'i',
};
const foldable = new RegExp(`[${Object.keys(letterFolds).join('')}]`, 'gu');

export function searchKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(foldable, (letter) => letterFolds[letter] ?? letter)
    .toLowerCase()
    .normalize('NFC');
}

/**
 * The smallest string above every string that starts with `prefix`, in code-point (C collation, UTF-8 byte)
 * order, so that `key >= prefix and key < upper` is a prefix match a btree answers as one range; undefined
 * when no such bound exists (every code point of the prefix is the last one).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = [...prefix].map((character) => character.codePointAt(0) ?? 0);
  while (codePoints.length > 0) {
    const last = codePoints.pop() ?? 0;
    if (last < 0x10ffff) {
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return String.fromCodePoint(...codePoints, next);
    }
  }
  return undefined;
}
