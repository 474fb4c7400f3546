import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Tokens carry the version of their key (`akv`); deactivating a key moves it on, so tokens issued before
 * a deactivation stay refused when the key is made active again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table access_keys add column token_version integer not null default 0;
  `);
}
