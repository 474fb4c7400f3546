/** Canonical form of a tenant, role or team name for uniqueness: NFKC, trimmed, lower case. */
export function canonicalName(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}
