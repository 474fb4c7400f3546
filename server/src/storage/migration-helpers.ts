import { sql, type Kysely } from 'kysely';

/**
 * Runs a script of DDL statements one by one (prepared statements take one command each, on PostgreSQL
 * and PGlite alike). Statements are separated by a semicolon at the end of a line; comments are dropped.
 */
export async function runStatements(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
  for (const statement of statements) await sql.raw(statement).execute(db);
}
