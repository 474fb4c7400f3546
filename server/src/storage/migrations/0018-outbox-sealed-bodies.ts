import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * No live secret in the outbox (docs/adr/0008-outbox-sealed-bodies.md). An email's text and HTML bodies
 * are stored sealed with AES-256-GCM under a key derived from the master key (`body_sealed`), and dropped
 * once the message is delivered or given up; its metadata stays for the audit.
 *
 * SQL cannot seal under the master key (which the database never sees), so the bodies of messages still
 * waiting are moved to `outbox_bodies_to_seal`, and each delivery worker seals them before its first
 * delivery (mail/delivery-worker.ts); a waiting message is not claimed until its body is sealed. The
 * bodies of messages already sent or given up are dropped. They are blanked before the columns go, so
 * no live row keeps them in a dropped column (PostgreSQL leaves a dropped column's values in place until
 * the row is rewritten); the dead row versions go with the next vacuum.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table outbox_messages add column body_sealed bytea;

    create table outbox_bodies_to_seal (
      outbox_id uuid primary key references outbox_messages (id) on delete cascade,
      text_body text not null,
      html_body text not null
    );

    insert into outbox_bodies_to_seal (outbox_id, text_body, html_body)
      select id, text_body, html_body from outbox_messages where sent_at is null and failed_at is null;

    update outbox_messages set text_body = '', html_body = '' where text_body <> '' or html_body <> '';

    alter table outbox_messages drop column text_body;

    alter table outbox_messages drop column html_body;
  `);
}
