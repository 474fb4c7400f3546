import { sql, type Kysely } from 'kysely';

/**
 * Runs a script of DDL statements one by one (prepared statements take one command each, on PostgreSQL
 * and PGlite alike). Statements are separated by a semicolon at the end of a line, except inside a
 * dollar-quoted function body; comment lines are dropped.
 */
export async function runStatements(db: Kysely<unknown>, script: string): Promise<void> {
  const statements: string[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of script.split('\n')) {
    if (!inBody && line.trim().startsWith('--')) continue;
    current.push(line);
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(current.join('\n').trim().replace(/;$/, ''));
      current = [];
    }
  }
  if (current.join('').trim() !== '') statements.push(current.join('\n').trim());
  for (const statement of statements) await sql.raw(statement).execute(db);
}
