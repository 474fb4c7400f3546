import type { Executor } from '../storage/db.ts';
import type { SigningKeyRow } from '../storage/database.ts';
import type { SigningKeyRecord } from './signing-keys.ts';

function toSigningKey(row: SigningKeyRow): SigningKeyRecord {
  const jwk = row.public_jwk as { kty: string; crv: string; x: string; y: string };
  return {
    id: row.id,
    algorithm: 'ES256',
    publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
    privateKeyEncrypted: Buffer.from(row.private_key_encrypted),
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    publishUntil: row.publish_until,
  };
}

/** Keys still published at `now`, newest first. */
export async function listPublishedKeys(db: Executor, now: Date): Promise<SigningKeyRecord[]> {
  const rows = await db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('publish_until', 'is', null), eb('publish_until', '>', now)]))
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toSigningKey);
}

export async function insertSigningKey(db: Executor, key: SigningKeyRecord): Promise<void> {
  await db
    .insertInto('signing_keys')
    .values({
      id: key.id,
      algorithm: key.algorithm,
      public_jwk: JSON.stringify(key.publicJwk),
      private_key_encrypted: key.privateKeyEncrypted,
      created_at: key.createdAt,
      retired_at: key.retiredAt,
      publish_until: key.publishUntil,
    })
    .execute();
}

export async function countSigningKeys(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('signing_keys')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('retired_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Stops every signing key from signing; each stays published until `publishUntil`. */
export async function retireSigningKeys(db: Executor, at: Date, publishUntil: Date): Promise<void> {
  await db.updateTable('signing_keys').set({ retired_at: at, publish_until: publishUntil }).where('retired_at', 'is', null).execute();
}
