import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Whether a session was opened after a second factor (a TOTP code or a recovery code at the sign-in's second step). A switch into a
 * tenant whose MFA policy requires a factor of the role there asks for a code of a session opened without one (a single sign-on,
 * or a sign-in from before the person enrolled). Sessions open before this migration count as without one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table sessions add column second_factor boolean not null default false;
  `);
}
