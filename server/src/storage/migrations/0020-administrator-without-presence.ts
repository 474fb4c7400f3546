import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * `presence.use` is an agent capability, not an authority (SPEC §4b "Administration, completed"): the built-in Administrator role
 * of every tenant stops holding it, so administrators are neither stopped at sign-in by the presence-list check nor asked for the
 * microphone. Only the built-in Administrator role changes (built-in names never change); a custom role, or another built-in role,
 * that was given `presence.use` keeps it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    update roles set permissions = array_remove(permissions, 'presence.use')
      where built_in and name = 'Administrator' and 'presence.use' = any (permissions);
  `);
}
