/** Recognises PostgreSQL's unique-violation error (SQLSTATE 23505) from both pg and PGlite. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; constraint?: unknown };
  return candidate.code === '23505' && (constraint === undefined || candidate.constraint === constraint);
}

/** Recognises PostgreSQL's foreign-key violation (SQLSTATE 23503) from both pg and PGlite. */
export function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23503';
}
