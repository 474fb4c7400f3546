import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.ts';
import { MINUTE } from '../kernel/clock.ts';
import type { Encryptor } from '../kernel/encryption.ts';
import { takeTransactionLock, type Db } from '../storage/db.ts';
import type { SigningKeyRecord } from './signing-keys.ts';
import type { Notifications } from '../storage/notifications.ts';
import { maxTokenLifetimeMinutes } from '../tenants/tenants.ts';
import { countSigningKeys, insertSigningKey, listPublishedKeys, retireSigningKeys } from './signing-keys-repo.ts';

export type SigningKeysService = ReturnType<typeof createSigningKeysService>;

export interface PublishedKey {
  kid: string;
  jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' };
  publicKey: KeyObject;
  publishUntil: Date | null;
}

interface KeyRing {
  signer: { kid: string; privateKey: KeyObject } | undefined;
  published: Map<string, PublishedKey>;
}

/** A retired key stays in the JWKS this long: the longest token lifetime, plus clock skew. */
export const retiredKeyPublicationMs = (maxTokenLifetimeMinutes + 5) * MINUTE;

const signingKeysLock = 0x4c4b5359;
const signingKeysTopic = 'signing-keys';

/** RFC 7638 thumbprint of an EC public key: a stable, content-derived kid. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * ES256 signing keys (P-256). The private key is stored as PKCS#8, AES-256-GCM-encrypted under a key
 * derived from the master key, bound to its kid. One key signs; after a rotation the previous key stays
 * published in the JWKS until every token it signed has expired. The key ring is held in memory, so
 * signing and verifying never touch the database; other instances reload on a notification.
 */
export function createSigningKeysService(deps: { db: Db; clock: Clock; encryptor: Encryptor; notifications: Notifications; logger: Logger }) {
  let ring: KeyRing | undefined;
  let loading: Promise<KeyRing> | undefined;
  let lastUnknownKidReload = 0;

  const toPublished = (key: SigningKeyRecord): PublishedKey => {
    const jwk = { kty: 'EC', crv: 'P-256', x: key.publicJwk.x, y: key.publicJwk.y } as const;
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    return { kid: key.id, jwk: { ...jwk, kid: key.id, alg: 'ES256', use: 'sig' }, publicKey, publishUntil: key.publishUntil };
  };

  const load = async (): Promise<KeyRing> => {
    const rows = await listPublishedKeys(deps.db, deps.clock.now());
    const published = new Map(rows.map((row) => [row.id, toPublished(row)]));
    const active = rows.find((row) => row.retiredAt === null);
    const signer =
      active === undefined
        ? undefined
        : { kid: active.id, privateKey: createPrivateKey({ key: deps.encryptor.decrypt(active.privateKeyEncrypted, active.id), format: 'der', type: 'pkcs8' }) };
    ring = { signer, published };
    return ring;
  };

  const reload = (): Promise<KeyRing> => {
    loading ??= load().finally(() => {
      loading = undefined;
    });
    return loading;
  };

  const unsubscribe = deps.notifications.subscribe((message) => {
    if (message.topic !== signingKeysTopic && message.topic !== '*') return;
    reload().catch((error: unknown) => deps.logger.error({ err: error }, 'could not reload signing keys'));
  });

  const newKey = (): SigningKeyRecord => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const kid = thumbprint(jwk);
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    return {
      id: kid,
      algorithm: 'ES256',
      publicJwk: { kty: jwk.kty ?? 'EC', crv: jwk.crv ?? 'P-256', x: jwk.x ?? '', y: jwk.y ?? '' },
      privateKeyEncrypted: deps.encryptor.encrypt(der, kid),
      createdAt: deps.clock.now(),
      retiredAt: null,
      publishUntil: null,
    };
  };

  return {
    /** Makes sure a signing key exists (the first start creates one; concurrent starts create exactly one). */
    async ensureKey(): Promise<void> {
      const created = await deps.db.transaction().execute(async (trx) => {
        await takeTransactionLock(trx, signingKeysLock);
        if ((await countSigningKeys(trx)) > 0) return false;
        await insertSigningKey(trx, newKey());
        return true;
      });
      if (created) deps.logger.info('created the first token signing key');
      await reload();
    },

    /**
     * A new key takes over signing at once; the previous one stays published for `retiredKeyPublicationMs`,
     * so tokens it signed keep verifying until they expire. Returns the new kid.
     */
    async rotate(): Promise<{ kid: string; previous: string[] }> {
      const now = deps.clock.now();
      const row = newKey();
      const previous = await deps.db.transaction().execute(async (trx) => {
        await takeTransactionLock(trx, signingKeysLock);
        const before = (await listPublishedKeys(trx, now)).filter((key) => key.retiredAt === null).map((key) => key.id);
        await retireSigningKeys(trx, now, new Date(now.getTime() + retiredKeyPublicationMs));
        await insertSigningKey(trx, row);
        await deps.notifications.publish(trx, { topic: signingKeysTopic, id: row.id });
        return before;
      });
      deps.notifications.deliverCommitted({ topic: signingKeysTopic, id: row.id });
      await reload();
      return { kid: row.id, previous };
    },

    /** The key that signs new tokens. */
    async signer(): Promise<{ kid: string; privateKey: KeyObject }> {
      const current = ring?.signer ?? (await reload()).signer;
      if (current !== undefined) return current;
      await this.ensureKey();
      const created = ring?.signer;
      if (created === undefined) throw new Error('no signing key after ensureKey');
      return created;
    },

    /** A published key by kid, from memory (undefined if unknown or no longer published). */
    publicKeyFor(kid: string): KeyObject | undefined {
      const key = ring?.published.get(kid);
      if (key === undefined) return undefined;
      if (key.publishUntil !== null && key.publishUntil.getTime() <= deps.clock.now().getTime()) return undefined;
      return key.publicKey;
    },

    /**
     * A token names a kid this instance does not know: perhaps another instance rotated. Reloads at most
     * once a second, so forged kids cannot turn into a query per request.
     */
    async reloadForUnknownKid(): Promise<boolean> {
      const now = Date.now();
      if (ring !== undefined && now - lastUnknownKidReload < 1000) return false;
      lastUnknownKidReload = now;
      await reload();
      return true;
    },

    /** The JWK Set: every key still published. */
    async jwks(): Promise<{ keys: PublishedKey['jwk'][] }> {
      const current = ring ?? (await reload());
      const now = deps.clock.now().getTime();
      return { keys: [...current.published.values()].filter((key) => key.publishUntil === null || key.publishUntil.getTime() > now).map((key) => key.jwk) };
    },

    close(): void {
      unsubscribe();
    },
  };
}
