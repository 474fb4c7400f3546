import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.ts';
import { MINUTE } from '../kernel/clock.ts';
import type { Encryptor } from '../kernel/encryption.ts';
import { takeTransactionLock, type Db } from '../storage/db.ts';
import { isPublishedAt, publishedKeyOf, thumbprint, type PublishedKey, type SigningKeyRecord } from './signing-keys.ts';
import type { Notifications } from '../storage/notifications.ts';
import { maxTokenLifetimeMinutes } from '../tenants/tenants.ts';
import { countSigningKeys, insertSigningKey, listPublishedKeys, retireSigningKeys } from './signing-keys-repo.ts';

/**
 * ES256 signing keys (P-256). The private key is stored as PKCS#8, AES-256-GCM-encrypted under a key
 * derived from the master key, bound to its kid. One key signs; after a rotation the previous key stays
 * published in the JWKS until every token it signed has expired. The key ring is held in memory, so
 * signing and verifying never touch the database; other instances reload on a notification.
 */
export interface SigningKeysService {
  /** Makes sure a signing key exists (the first start creates one; concurrent starts create exactly one). */
  ensureKey(): Promise<void>;
  /** A new key takes over signing at once; the previous one stays published for `retiredKeyPublicationMs`. Returns the new kid and the kids it replaced. */
  rotate(): Promise<{ kid: string; previous: string[] }>;
  /** The key that signs new tokens (created first if there is none). */
  signer(): Promise<{ kid: string; privateKey: KeyObject }>;
  /** A published key by kid, from memory (undefined if unknown or no longer published). */
  publicKeyFor(kid: string): KeyObject | undefined;
  /** Reloads the ring for a kid this instance does not know, at most once a second; says whether it reloaded. */
  reloadForUnknownKid(): Promise<boolean>;
  /** The JWK Set: every key still published. */
  jwks(): Promise<{ keys: PublishedKey['jwk'][] }>;
  /** Stops listening for rotations by other instances. */
  close(): void;
}

interface KeyRing {
  signer: { kid: string; privateKey: KeyObject } | undefined;
  published: Map<string, PublishedKey>;
}

/** A retired key stays in the JWKS this long: the longest token lifetime, plus clock skew. */
export const retiredKeyPublicationMs = (maxTokenLifetimeMinutes + 5) * MINUTE;

const signingKeysLock = 0x4c4b5359;
const signingKeysTopic = 'signing-keys';

export function createSigningKeysService(deps: {
  db: Db;
  clock: Clock;
  encryptor: Encryptor;
  notifications: Pick<Notifications, 'subscribe' | 'publish' | 'deliverCommitted'>;
  logger: Pick<Logger, 'info' | 'error'>;
}): SigningKeysService {
  let ring: KeyRing | undefined;
  let loading: Promise<KeyRing> | undefined;
  let lastUnknownKidReload = 0;

  const load = async (): Promise<KeyRing> => {
    const rows = await listPublishedKeys(deps.db, deps.clock.now());
    const published = new Map(rows.map((row) => [row.id, publishedKeyOf(row)]));
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

  const ensureKey = async (): Promise<void> => {
    const created = await deps.db.transaction().execute(async (trx) => {
      await takeTransactionLock(trx, signingKeysLock);
      if ((await countSigningKeys(trx)) > 0) return false;
      await insertSigningKey(trx, newKey());
      return true;
    });
    if (created) deps.logger.info('created the first token signing key');
    await reload();
  };

  return {
    ensureKey,

    async rotate() {
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

    async signer() {
      const current = ring?.signer ?? (await reload()).signer;
      if (current !== undefined) return current;
      await ensureKey();
      const created = ring?.signer;
      if (created === undefined) throw new Error('no signing key after ensureKey');
      return created;
    },

    publicKeyFor(kid) {
      const key = ring?.published.get(kid);
      if (key === undefined || !isPublishedAt(key, deps.clock.now())) return undefined;
      return key.publicKey;
    },

    async reloadForUnknownKid() {
      const now = Date.now();
      if (ring !== undefined && now - lastUnknownKidReload < 1000) return false;
      lastUnknownKidReload = now;
      await reload();
      return true;
    },

    async jwks() {
      const current = ring ?? (await reload());
      const now = deps.clock.now();
      return { keys: [...current.published.values()].filter((key) => isPublishedAt(key, now)).map((key) => key.jwk) };
    },

    close() {
      unsubscribe();
    },
  };
}
