import { z } from 'zod';

/**
 * The one edge for strings. Every string the API accepts refuses lone surrogates (they are not text, and
 * PostgreSQL refuses them in JSON), NUL and the other C0 and C1 control characters, so bad input gets a
 * coded 400 (VALIDATION_FAILED) and never reaches storage. Passwords are the exception: they may hold any
 * character a person can type except NUL and lone surrogates.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const controlOrLoneSurrogate = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/u;
// eslint-disable-next-line no-control-regex -- NUL is the one control character a password may not hold
const nulOrLoneSurrogate = /[\u0000\ud800-\udfff]/u;

/** The first character of `value` that no API string may hold (C0/C1 control, NUL, lone surrogate), if any. */
export function refusedCharacter(value: string): string | undefined {
  return controlOrLoneSurrogate.exec(value)?.[0];
}

/** True when `value` holds NUL or a lone surrogate: no string anywhere (passwords included) may. */
export function holdsNulOrLoneSurrogate(value: string): boolean {
  return nulOrLoneSurrogate.test(value);
}

export const refusedCharacterMessage = 'Must not contain control characters or unpaired surrogates';

/**
 * Any single-line API string: at most `maxLength` UTF-16 units, no control characters, well-formed, and
 * none of the characters that make text read differently from what it is (displayTextProblem: bidirectional
 * controls, zero-width and other invisible formatting characters). Names, file names, versions, platforms,
 * labels, usernames, codes, URLs and tokens alike: no single-line field has a use for them, so they are
 * refused here, once, rather than field by field.
 */
export function singleLine(maxLength: number) {
  return z
    .string()
    .max(maxLength)
    .superRefine((value, context) => {
      if (refusedCharacter(value) !== undefined) return context.addIssue({ code: 'custom', message: refusedCharacterMessage });
      const problem = displayTextProblem(value);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    });
}

// --- Display text: names people read in the console, emails and audit trails. ---

/** Format characters that may stand in a display name only where a script needs them (see allowedJoiner). */
const zwnj = 0x200c;
const zwj = 0x200d;
/** Letters of scripts that use ZWNJ/ZWJ to choose a joining or conjunct form (Arabic script, Syriac, N'Ko, Indic scripts). */
const joiningScript =
  /[\p{Script_Extensions=Arabic}\p{Script_Extensions=Syriac}\p{Script_Extensions=Nko}\p{Script_Extensions=Mongolian}\p{Script_Extensions=Devanagari}\p{Script_Extensions=Bengali}\p{Script_Extensions=Gurmukhi}\p{Script_Extensions=Gujarati}\p{Script_Extensions=Oriya}\p{Script_Extensions=Tamil}\p{Script_Extensions=Telugu}\p{Script_Extensions=Kannada}\p{Script_Extensions=Malayalam}\p{Script_Extensions=Sinhala}\p{Script_Extensions=Khmer}\p{Script_Extensions=Myanmar}\p{Script_Extensions=Tibetan}]/u;
const pictographic = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u{fe0f}\u{20e3}]/u;
/** Invisible characters that are not format characters (category Cf) but render as nothing. */
const invisible = new Set([0x00ad, 0x034f, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180b, 0x180c, 0x180d, 0x180e, 0x180f, 0x2028, 0x2029, 0x3164, 0xffa0]);
const formatCharacter = /^\p{Cf}$/u;
const blackFlag = 0x1f3f4;

function allowedJoiner(codePoints: number[], index: number): boolean {
  const before = codePoints[index - 1];
  const after = codePoints[index + 1];
  if (before === undefined || after === undefined) return false;
  const [left, right] = [String.fromCodePoint(before), String.fromCodePoint(after)];
  if (joiningScript.test(left) && joiningScript.test(right)) return true;
  // ZWJ glues emoji into one (👩‍💻): only between pictographs.
  return codePoints[index] === zwj && pictographic.test(left) && /\p{Extended_Pictographic}/u.test(right);
}

/**
 * Why a display name is refused, or undefined: bidirectional controls (U+202A–202E, U+2066–2069,
 * U+200E/200F/061C) and every other invisible formatting character (U+200B, U+2060–2064, U+FEFF, U+00AD,
 * Hangul fillers, …) can make a name read differently from what it is. ZWNJ and ZWJ are kept where a
 * script needs them: between letters of Arabic-script and Indic scripts, and ZWJ inside emoji sequences.
 */
export function displayTextProblem(value: string): string | undefined {
  const codePoints = Array.from(value, (character) => character.codePointAt(0) as number);
  for (const [index, codePoint] of codePoints.entries()) {
    if (codePoint === zwnj || codePoint === zwj) {
      if (!allowedJoiner(codePoints, index)) return 'Must not contain a zero-width joiner outside a script or emoji sequence that needs it';
      continue;
    }
    // Tag characters only inside a subdivision flag (🏴 + tags + cancel tag).
    if (codePoint >= 0xe0020 && codePoint <= 0xe007f) {
      let start = index;
      while (start > 0 && (codePoints[start - 1] as number) >= 0xe0020 && (codePoints[start - 1] as number) <= 0xe007f) start -= 1;
      if (codePoints[start - 1] === blackFlag) continue;
      return 'Must not contain invisible formatting characters';
    }
    if (invisible.has(codePoint) || formatCharacter.test(String.fromCodePoint(codePoint))) {
      const bidi = (codePoint >= 0x202a && codePoint <= 0x202e) || (codePoint >= 0x2066 && codePoint <= 0x2069) || codePoint === 0x200e || codePoint === 0x200f || codePoint === 0x061c;
      return bidi ? 'Must not contain bidirectional control characters' : 'Must not contain invisible formatting characters';
    }
  }
  return undefined;
}

/**
 * A name people read (person, team, role, tenant names; access-key descriptions): single-line (so free of
 * bidirectional controls and invisible formatting characters), trimmed and NFC-normalised (so the same name
 * is stored the same way whatever keyboard typed it).
 */
export function displayText(maxLength: number) {
  return singleLine(maxLength)
    .trim()
    .transform((value) => value.normalize('NFC'));
}

const utf8 = new TextEncoder();

/** Longest password accepted at all, in UTF-8 bytes: longer input is refused before any hashing. */
export const maxPasswordBytes = 1024;

/** A secret typed by a person: not trimmed, no NUL or lone surrogate, at most 1,024 bytes, so it is bounded before the hasher. */
export const passwordInput = z
  .string()
  .min(1)
  .max(maxPasswordBytes)
  .refine((value) => utf8.encode(value).length <= maxPasswordBytes, { message: `At most ${maxPasswordBytes} bytes` })
  .refine((value) => !holdsNulOrLoneSurrogate(value), { message: 'Must not contain NUL characters or unpaired surrogates' });

export const usernameSchema = singleLine(254)
  .trim()
  .min(1)
  .regex(/^[\p{L}\p{N}._@+-]+$/u, 'Use letters, digits and . _ @ + - only');

/** A username as typed at sign-in or "forgot password": looked up, never stored, so only the edge rules apply. */
export const usernameInput = singleLine(254).min(1);

export const emailSchema = singleLine(254).trim().pipe(z.email());

export const personNameSchema = displayText(100).pipe(z.string().min(1));
export const teamNameSchema = displayText(100).pipe(z.string().min(1));
export const tenantNameSchema = displayText(100).pipe(z.string().min(1));
export const roleNameSchema = displayText(100).pipe(z.string().min(1));

export const idSchema = z.uuid();

/** Opaque, URL-safe tokens (invitation and reset links). */
export const tokenSchema = z.string().min(16).max(128).regex(/^[A-Za-z0-9_-]+$/);

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    requestId: z.string(),
  }),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Canonical form of a username for uniqueness: NFKC, then case-folded. */
export function canonicalUsername(username: string): string {
  return username.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
