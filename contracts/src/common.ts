import { z } from 'zod';

/**
 * Building blocks for request schemas. Every string refuses NUL and other control characters, so bad
 * bytes get a coded 400 at the edge and never reach storage.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f]/;

export function singleLine(maxLength: number) {
  return z
    .string()
    .max(maxLength)
    .refine((value) => !controlCharacters.test(value), { message: 'Must not contain control characters' });
}

const utf8 = new TextEncoder();

/** Longest password accepted at all, in UTF-8 bytes: longer input is refused before any hashing. */
export const maxPasswordBytes = 1024;

/** A secret typed by a person: not trimmed, no NUL, at most 1,024 bytes, so it is bounded before the hasher. */
export const passwordInput = z
  .string()
  .min(1)
  .max(maxPasswordBytes)
  .refine((value) => utf8.encode(value).length <= maxPasswordBytes, { message: `At most ${maxPasswordBytes} bytes` })
  .refine((value) => !value.includes('\u0000'), { message: 'Must not contain NUL characters' });

export const usernameSchema = singleLine(254)
  .trim()
  .min(1)
  .regex(/^[\p{L}\p{N}._@+-]+$/u, 'Use letters, digits and . _ @ + - only');

export const emailSchema = singleLine(254).trim().pipe(z.email());

export const personNameSchema = singleLine(100).trim().min(1);

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
