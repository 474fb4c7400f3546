import { describe, expect, it } from 'vitest';
import { accessKeyDescriptionSchema, accessKeyTokenBodySchema, loginBodySchema } from './api.ts';
import { downloadCreateSchema } from './account.ts';
import { displayTextProblem, passwordInput, personNameSchema, refusedCharacter, singleLine, teamNameSchema, usernameInput } from './common.ts';

const accepts = (schema: { safeParse: (value: unknown) => { success: boolean } }, value: unknown) => schema.safeParse(value).success;

describe('the edge rule for every string', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a C0 control', 'a\u0007b'],
    ['a tab', 'a\tb'],
    ['DEL', 'a\u007fb'],
    ['C1 NEL', 'a\u0085b'],
    ['C1 CSI', 'a\u009bb'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', '\udc00'],
    ['a high surrogate at the end', 'abc\ud83d'],
    ['two surrogates in the wrong order', '\ude00\ud83d'],
  ])('refuses %s', (_name, value) => {
    expect(refusedCharacter(value)).toBeDefined();
    expect(accepts(singleLine(100), value)).toBe(false);
  });

  it.each([['plain', 'Anne'], ['an astral character (a surrogate pair)', 'a😀b'], ['accents', 'Zoë Ångström'], ['right-to-left text', 'مريم'], ['U+00A0', 'a\u00a0b']])(
    'accepts %s',
    (_name, value) => {
      expect(refusedCharacter(value)).toBeUndefined();
      expect(accepts(singleLine(100), value)).toBe(true);
    },
  );

  /** @see issue 21, item 8: file names, versions and platforms of downloads took U+202E and zero-width characters. */
  it.each([
    ['U+202E (right-to-left override)', 'setup\u202egpj.exe'],
    ['U+202A (left-to-right embedding)', 'a\u202ab'],
    ['U+2066 (left-to-right isolate)', 'a\u2066b'],
    ['U+2069 (pop directional isolate)', 'a\u2069b'],
    ['U+200E (left-to-right mark)', 'a\u200eb'],
    ['U+200F (right-to-left mark)', 'a\u200fb'],
    ['U+061C (Arabic letter mark)', 'a\u061cb'],
    ['U+200B (zero-width space)', 'ad\u200bmin'],
    ['U+200C (zero-width non-joiner) between Latin letters', 'a\u200cb'],
    ['U+200D (zero-width joiner) between Latin letters', 'a\u200db'],
    ['U+2060 (word joiner)', 'a\u2060b'],
    ['U+FEFF (byte order mark)', '\ufeff1.0'],
    ['U+00AD (soft hyphen, Cf)', 'win\u00addows'],
    ['U+2064 (invisible plus, Cf)', 'a\u2064b'],
    ['U+FFF9 (interlinear annotation anchor, Cf)', 'a\ufff9b'],
  ])('refuses %s in every single-line string', (_name, value) => {
    expect(accepts(singleLine(100), value)).toBe(false);
    expect(accepts(downloadCreateSchema, { name: value, version: '1.0', platform: 'Windows' })).toBe(false);
    expect(accepts(downloadCreateSchema, { name: 'Softphone', version: value, platform: 'Windows' })).toBe(false);
    expect(accepts(downloadCreateSchema, { name: 'Softphone', version: '1.0', platform: value })).toBe(false);
    expect(accepts(downloadCreateSchema, { name: 'Softphone', version: '1.0', platform: 'Windows', fileName: `${value}.exe` })).toBe(false);
    expect(accepts(usernameInput, value)).toBe(false);
  });

  it('keeps the joiners scripts and emoji need', () => {
    expect(accepts(singleLine(100), 'کار\u200cگاه')).toBe(true);
    expect(accepts(singleLine(100), '👩\u200d💻')).toBe(true);
    expect(accepts(downloadCreateSchema, { name: 'Softphone', version: '1.0', platform: 'Windows', fileName: 'softphone-1.0.exe' })).toBe(true);
  });

  it('bounds the length', () => {
    expect(accepts(singleLine(5), 'abcde')).toBe(true);
    expect(accepts(singleLine(5), 'abcdef')).toBe(false);
  });

  it('applies to the sign-in username and the access-key exchange', () => {
    expect(accepts(loginBodySchema, { username: '\ud800', password: 'x' })).toBe(false);
    expect(accepts(loginBodySchema, { username: 'anne', password: 'x' })).toBe(true);
    expect(accepts(accessKeyTokenBodySchema, { accessKeyId: 'LAK\u0000', accessKeySecret: 'x' })).toBe(false);
    expect(accepts(accessKeyTokenBodySchema, { accessKeyId: 'LAKX', accessKeySecret: 'x\u0085' })).toBe(false);
  });
});

describe('passwords', () => {
  it('keep every character a person can type, untrimmed', () => {
    expect(passwordInput.parse('  tab\there \u0085 \u202e ')).toBe('  tab\there \u0085 \u202e ');
  });

  it('refuse NUL and lone surrogates', () => {
    expect(accepts(passwordInput, 'abc\u0000')).toBe(false);
    expect(accepts(passwordInput, 'abc\ud800')).toBe(false);
    expect(accepts(passwordInput, 'abc\udc00def')).toBe(false);
    expect(accepts(passwordInput, 'abc😀')).toBe(true);
  });
});

describe('display names', () => {
  it('are trimmed and NFC-normalised', () => {
    const decomposed = 'Zoe\u0308';
    expect(personNameSchema.parse(`  ${decomposed} `)).toBe('Zo\u00eb');
    expect(teamNameSchema.parse('Cafe\u0301')).toBe('Caf\u00e9');
  });

  it.each([
    ['RLO', 'evil\u202egnp.exe'],
    ['LRE', '\u202aname'],
    ['PDF', 'name\u202c'],
    ['RLI', 'a\u2067b'],
    ['PDI', 'a\u2069b'],
    ['LRM', 'a\u200eb'],
    ['RLM', 'a\u200fb'],
    ['ALM', 'a\u061cb'],
  ])('refuse the bidirectional control %s', (_name, value) => {
    expect(displayTextProblem(value)).toMatch(/bidirectional/);
    expect(accepts(personNameSchema, value)).toBe(false);
  });

  it.each([
    ['zero-width space', 'ad\u200bmin'],
    ['word joiner', 'a\u2060b'],
    ['invisible times', 'a\u2062b'],
    ['BOM inside', 'na\ufeffme'],
    ['soft hyphen', 'ad\u00admin'],
    ['Hangul filler', 'a\u3164b'],
    ['combining grapheme joiner', 'a\u034fb'],
    ['a tag character outside a flag', 'a\u{e0041}'],
    ['ZWNJ between Latin letters', 'ad\u200cmin'],
    ['ZWJ between Latin letters', 'ad\u200dmin'],
    ['ZWJ at the start', '\u200dمريم'],
    ['ZWJ after an emoji and before a letter', '😀\u200da'],
  ])('refuse the invisible %s', (_name, value) => {
    expect(displayTextProblem(value)).toBeDefined();
    expect(accepts(teamNameSchema, value)).toBe(false);
  });

  it.each([
    ['Persian with ZWNJ', 'می\u200cخواهم'],
    ['Devanagari with ZWJ after a virama', 'क्\u200dष'],
    ['Malayalam with ZWNJ', 'ന്\u200cമ'],
    ['a ZWJ emoji sequence', 'Team 👩\u200d💻'],
    ['a ZWJ emoji sequence with a skin tone', '👩🏽\u200d🚀'],
    ['an emoji with VS16', '❤\ufe0f'],
    ['a subdivision flag', '🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}'],
    ['Arabic', 'فريق الدعم'],
    ['Hebrew', 'צוות'],
  ])('keep %s', (_name, value) => {
    expect(displayTextProblem(value)).toBeUndefined();
    expect(accepts(personNameSchema, value)).toBe(true);
  });

  it('apply to access-key descriptions, which may be empty', () => {
    expect(accessKeyDescriptionSchema.parse('  ')).toBe('');
    expect(accepts(accessKeyDescriptionSchema, 'ci\u200b')).toBe(false);
    expect(accepts(accessKeyDescriptionSchema, 'ci \u202e')).toBe(false);
  });
});
