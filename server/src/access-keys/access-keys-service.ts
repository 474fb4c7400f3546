import type { AccessKey, AdminAccessKeyList, CreateAccessKeyBody, UpdateAccessKeyBody } from '@lanyard/contracts/api';
import type { Logger } from 'pino';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { createShortLivedCache } from '../kernel/short-lived-cache.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import type { Outbox } from '../mail/outbox.ts';
import { accessKeyCreatedEmail } from '../mail/templates.ts';
import { newSecretToken, type SecretHasher } from '../kernel/secrets.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import type { Db, Executor } from '../storage/db.ts';
import { invalidationTopics, type Invalidation, type Notifications } from '../storage/notifications.ts';
import { parseTenantSettings } from '../tenants/tenants.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import {
  accessKeyIdPattern,
  credentialCacheTtlMs,
  lastUsedIntervalMs,
  latestKeyExpiry,
  newAccessKeyId,
  toAccessKeyView,
  unusableReason,
  type AccessKeyRecord,
  type Credential,
} from './access-keys.ts';
import { findCredential, listKeysOfTenant } from './access-keys-read.ts';
import { bumpTokenVersionsOfUser, countKeys, deleteKey, insertKey, listKeysOfUser, touchLastUsed, updateKey } from './access-keys-repo.ts';

/** Access keys of members, and the client authentication that exchanges them for tokens. */
export interface AccessKeysService {
  /** Creates a key for the principal (the only answer holding its secret) and emails the owner: ACCESS_KEY_LIMIT_REACHED, ACCESS_KEY_EXPIRY_INVALID. */
  createKey(principal: Principal, input: CreateAccessKeyBody, meta?: ClientMeta): Promise<{ key: AccessKey; secret: string }>;
  /** The principal's own keys in the tenant, and the tenant's per-user limit. */
  listOwnKeys(principal: Principal): Promise<{ items: AccessKey[]; limit: number }>;
  /** Changes the state or description of one of the principal's keys: ACCESS_KEY_NOT_FOUND. */
  updateOwnKey(principal: Principal, id: string, body: UpdateAccessKeyBody): Promise<AccessKey>;
  /** Deletes one of the principal's keys: ACCESS_KEY_NOT_FOUND. */
  deleteOwnKey(principal: Principal, id: string): Promise<void>;
  /** Every key of the tenant with its owner's username (administration). */
  listTenantKeys(principal: Principal): Promise<AdminAccessKeyList>;
  /** An administrator activates or deactivates a key of the tenant: ACCESS_KEY_NOT_FOUND. */
  updateTenantKey(principal: Principal, id: string, state: AccessKeyRecord['state']): Promise<AccessKey>;
  /** An administrator deletes a key of the tenant: ACCESS_KEY_NOT_FOUND. */
  deleteTenantKey(principal: Principal, id: string): Promise<void>;
  /** Client authentication by Access Key ID and secret: ACCESS_KEY_INVALID_CREDENTIALS, RATE_LIMITED after too many failures. */
  authenticateClient(accessKeyId: string, secret: string, meta: ClientMeta): Promise<Credential>;
  /** Audits and counts an exchange refused for its input; RATE_LIMITED once a limit is exceeded, else undefined. */
  refuseInvalidInput(accessKeyId: unknown, meta: ClientMeta): Promise<AppError | undefined>;
  /**
   * Ends for good every token issued for the user's keys (in one tenant, or all), in `executor`: disabling a person (or their
   * membership) must not let tokens from before it work again once they are enabled. The caller publishes the user's invalidation.
   */
  endTokensOf(userId: string, tenantId: string | undefined, executor: Executor): Promise<number>;
  /** The cached state of a key, for checking tokens issued for it: undefined when it is gone. */
  credentialFor(accessKeyId: string): Promise<Credential | undefined>;
  /** Counters for tests: every authentication costs exactly one HMAC verification. */
  stats(): { secretVerifications: number };
  /** Stops listening for invalidations. */
  close(): void;
}

// eslint-disable-next-line no-control-regex -- what the edge refuses never becomes part of a limiter key
const refusedInKeys = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/gu;

/** The failure counters a refused authentication counts toward: its network's, and its key's when it names one. */
type LimiterKeys = [ip: string, key: string | undefined];

export interface ClientMeta {
  ip: string | undefined;
}

/** Failed key authentications allowed per window before further attempts are refused without checking. */
export const failureLimits = {
  perKey: { limit: 10, windowMs: 60_000 },
  perIp: { limit: 30, windowMs: 60_000 },
};

const accessKeyTopic = 'access-key';
/**
 * A failure limit was reached: id = `<blocked until, ms since epoch> <limiter key>`. The counts already live
 * in the shared rate limiter (Redis, when configured); this tells every other instance to refuse the key or
 * network at once too, before it spends an HMAC on it, instead of only after its own next failure.
 */
const blockTopic = 'access-key-block';
/** Other domains publish `user` (id = user id) when a user is disabled or changes role, `*` for anything broader. */
const userTopic = invalidationTopics.user;

export function createAccessKeysService(deps: {
  db: Db;
  clock: Clock;
  secrets: SecretHasher;
  tenants: TenantsService;
  users: UsersService;
  audit: AuditService;
  mail: Outbox;
  rateLimiter: RateLimiter;
  notifications: Notifications;
  logger: Logger;
}): AccessKeysService {
  // --- Credential cache: key state + owner status + permissions, trusted for at most a second. ---
  const cache = createShortLivedCache<Credential | undefined>({ ttlMs: credentialCacheTtlMs, clock: deps.clock });
  const unsubscribe = deps.notifications.subscribe((message: Invalidation) => {
    if (message.topic === blockTopic) block(message.id);
    else if (message.topic === accessKeyTopic) cache.forget(message.id);
    else if (message.topic === userTopic) cache.forgetWhere((credential) => credential?.userId === message.id);
    else cache.clear();
  });

  const credentialFor = (accessKeyId: string): Promise<Credential | undefined> =>
    cache.get(accessKeyId, async () => {
      const row = await findCredential(deps.db, accessKeyId);
      return row === undefined ? undefined : { ...row, tokenLifetimeMinutes: parseTenantSettings(row.tenantSettings).accessKeys.tokenLifetimeMinutes };
    });

  /**
   * Tells every instance that a key changed: `announce` inside the change's transaction, `announceCommitted`
   * right after it commits (this instance at once; the others through Redis when it carries invalidations).
   */
  const announce = (executor: Executor, accessKeyId: string) => deps.notifications.publish(executor, { topic: accessKeyTopic, id: accessKeyId });
  const announceCommitted = (accessKeyId: string) => deps.notifications.deliverCommitted({ topic: accessKeyTopic, id: accessKeyId });

  // --- Client authentication with rate limits on failures. ---
  const dummyHash = deps.secrets.hash('lanyard:no-such-access-key');
  const blockedUntil = new Map<string, number>();
  const block = (announced: string): void => {
    const separator = announced.indexOf(' ');
    const until = Number(announced.slice(0, separator));
    const key = announced.slice(separator + 1);
    if (separator <= 0 || !Number.isSafeInteger(until) || key === '') return;
    if ((blockedUntil.get(key) ?? 0) < until) blockedUntil.set(key, until);
    if (blockedUntil.size > 100_000) blockedUntil.clear();
  };
  let secretVerifications = 0;

  const refuseIfBlocked = (keys: string[]): void => {
    const now = deps.clock.now().getTime();
    for (const key of keys) {
      const until = blockedUntil.get(key);
      if (until === undefined) continue;
      if (until > now) throw new AppError('RATE_LIMITED', { headers: { 'retry-after': String(Math.ceil((until - now) / 1000)) } });
      blockedUntil.delete(key);
    }
  };

  const recordFailure = async (accessKeyId: string, credential: Credential | undefined, reason: string, meta: ClientMeta, limiterKeys: LimiterKeys): Promise<AppError> => {
    await deps.audit.record(deps.db, {
      tenantId: credential?.tenantId ?? null,
      actorUserId: credential?.userId ?? null,
      action: 'token.issue',
      result: 'failure',
      targetType: 'accessKey',
      targetId: accessKeyId.slice(0, 64),
      ip: meta.ip ?? null,
      details: { reason },
    });
    const [ipKey, keyKey] = limiterKeys;
    const [byIp, byKey] = await Promise.all([
      deps.rateLimiter.hit(ipKey, failureLimits.perIp.limit, failureLimits.perIp.windowMs),
      keyKey === undefined ? undefined : deps.rateLimiter.hit(keyKey, failureLimits.perKey.limit, failureLimits.perKey.windowMs),
    ]);
    const refused = [
      { key: ipKey, outcome: byIp },
      ...(keyKey === undefined || byKey === undefined ? [] : [{ key: keyKey, outcome: byKey }]),
    ].filter((entry) => !entry.outcome.allowed);
    if (refused.length === 0) return new AppError('ACCESS_KEY_INVALID_CREDENTIALS');
    const retryAfter = Math.max(...refused.map((entry) => entry.outcome.retryAfterSeconds));
    const now = deps.clock.now().getTime();
    for (const entry of refused) {
      const until = now + entry.outcome.retryAfterSeconds * 1000;
      // Only the failure that reached the limit tells the others; later refusals on this instance never get here.
      if ((blockedUntil.get(entry.key) ?? 0) < until) deps.notifications.deliverCommitted({ topic: blockTopic, id: `${until} ${entry.key}` });
    }
    return new AppError('RATE_LIMITED', { headers: { 'retry-after': String(retryAfter) } });
  };

  const notFound = (id: string) => new AppError('ACCESS_KEY_NOT_FOUND', { details: { id } });

  const changeKey = async (
    principal: Principal,
    id: string,
    changes: { state?: AccessKeyRecord['state']; description?: string | null },
    scope: 'own' | 'tenant',
  ): Promise<AccessKey> => {
    const updated = await deps.db.transaction().execute(async (trx) => {
      const record = await updateKey(trx, principal.tenantId, id, changes, scope === 'own' ? principal.userId : undefined);
      if (record === undefined) throw notFound(id);
      // Rank: another member's key only when the administrator holds every permission its owner holds here (refused: rolled back).
      if (scope === 'tenant') await deps.users.getManageableMember(principal, 'accessKeys', record.userId, trx);
      await announce(trx, record.accessKeyId);
      await deps.audit.record(trx, {
        tenantId: principal.tenantId,
        actorUserId: principal.userId,
        action: changes.state === undefined ? 'accessKey.update' : 'accessKey.stateChange',
        result: 'success',
        targetType: 'accessKey',
        targetId: record.accessKeyId,
        details: { ...changes, ownerUserId: record.userId },
      });
      return record;
    });
    announceCommitted(updated.accessKeyId);
    return toAccessKeyView(updated);
  };

  const removeKey = async (principal: Principal, id: string, scope: 'own' | 'tenant'): Promise<void> => {
    const removed = await deps.db.transaction().execute(async (trx) => {
      const record = await deleteKey(trx, principal.tenantId, id, scope === 'own' ? principal.userId : undefined);
      if (record === undefined) throw notFound(id);
      if (scope === 'tenant') await deps.users.getManageableMember(principal, 'accessKeys', record.userId, trx);
      await announce(trx, record.accessKeyId);
      await deps.audit.record(trx, {
        tenantId: principal.tenantId,
        actorUserId: principal.userId,
        action: 'accessKey.delete',
        result: 'success',
        targetType: 'accessKey',
        targetId: record.accessKeyId,
        details: { ownerUserId: record.userId },
      });
      return record;
    });
    announceCommitted(removed.accessKeyId);
  };

  return {
    /**
     * Creates a key for the principal in their tenant. The secret is returned here and never again; only
     * its keyed hash is stored. The membership row is locked while counting, so concurrent creates never
     * exceed the tenant's limit. The owner is emailed (SPEC §3.10) in the same transaction, so the notice
     * exists if and only if the key does; it names the Access Key ID, never the secret.
     */
    async createKey(principal: Principal, input: CreateAccessKeyBody, meta: ClientMeta = { ip: undefined }): Promise<{ key: AccessKey; secret: string }> {
      const now = deps.clock.now();
      const requestedExpiry = input.expiresAt === undefined ? null : new Date(input.expiresAt);
      if (requestedExpiry !== null && requestedExpiry.getTime() <= now.getTime()) throw new AppError('ACCESS_KEY_EXPIRY_INVALID');
      const secret = newSecretToken();
      // The tenant's maximum key lifetime (read in the transaction below) may set or refuse the expiry.
      let expiresAt = requestedExpiry;
      const record: AccessKeyRecord = {
        id: newId(now.getTime()),
        tenantId: principal.tenantId,
        userId: principal.userId,
        accessKeyId: newAccessKeyId(),
        description: input.description === undefined || input.description === '' ? null : input.description,
        state: 'active',
        createdAt: now,
        expiresAt,
        lastUsedAt: null,
        lastUsedIp: null,
      };
      await deps.db.transaction().execute(async (trx) => {
        const tenant = await deps.tenants.getTenant(principal.tenantId, trx);
        const { maxKeyLifetimeDays } = tenant.settings.accessKeys;
        const latest = latestKeyExpiry(now, maxKeyLifetimeDays);
        if (latest !== null && requestedExpiry !== null && requestedExpiry.getTime() > latest.getTime()) {
          throw new AppError('ACCESS_KEY_EXPIRY_TOO_LATE', { details: { maxKeyLifetimeDays, latest: latest.toISOString() } });
        }
        expiresAt = requestedExpiry ?? latest;
        record.expiresAt = expiresAt;
        if (!(await deps.users.lockMembership(principal.tenantId, principal.userId, trx))) throw new AppError('AUTH_REQUIRED');
        const limit = tenant.settings.accessKeys.maxPerUser;
        if ((await countKeys(trx, principal.tenantId, principal.userId)) >= limit) {
          throw new AppError('ACCESS_KEY_LIMIT_REACHED', { details: { limit } });
        }
        await insertKey(trx, record, deps.secrets.hash(secret));
        await deps.audit.record(trx, {
          tenantId: principal.tenantId,
          actorUserId: principal.userId,
          action: 'accessKey.create',
          result: 'success',
          targetType: 'accessKey',
          targetId: record.accessKeyId,
          ip: meta.ip ?? null,
        });
        const owner = await deps.users.getUser(principal.userId, trx);
        await deps.mail.enqueue(trx, {
          ...accessKeyCreatedEmail({
            firstName: owner.firstName,
            username: owner.username,
            tenantName: tenant.name,
            accessKeyId: record.accessKeyId,
            description: record.description,
            createdAt: now,
            expiresAt,
            ip: meta.ip,
          }),
          tenantId: principal.tenantId,
          to: owner.email,
        });
      });
      announceCommitted(record.accessKeyId);
      return { key: toAccessKeyView(record), secret };
    },

    async listOwnKeys(principal: Principal): Promise<{ items: AccessKey[]; limit: number }> {
      const [records, tenant] = await Promise.all([
        listKeysOfUser(deps.db, principal.tenantId, principal.userId),
        deps.tenants.getTenant(principal.tenantId),
      ]);
      return { items: records.map(toAccessKeyView), limit: tenant.settings.accessKeys.maxPerUser };
    },

    updateOwnKey(principal: Principal, id: string, body: UpdateAccessKeyBody): Promise<AccessKey> {
      return changeKey(principal, id, normaliseChanges(body), 'own');
    },

    deleteOwnKey: (principal: Principal, id: string) => removeKey(principal, id, 'own'),

    async listTenantKeys(principal: Principal): Promise<AdminAccessKeyList> {
      const records = await listKeysOfTenant(deps.db, principal.tenantId);
      return { items: records.map((record) => ({ ...toAccessKeyView(record), user: { id: record.userId, username: record.username } })) };
    },

    updateTenantKey(principal: Principal, id: string, state: AccessKeyRecord['state']): Promise<AccessKey> {
      return changeKey(principal, id, { state }, 'tenant');
    },

    deleteTenantKey: (principal: Principal, id: string) => removeKey(principal, id, 'tenant'),

    endTokensOf: (userId: string, tenantId: string | undefined, executor: Executor) => bumpTokenVersionsOfUser(executor, userId, tenantId),

    /**
     * Checks an Access Key ID and secret. An unknown ID is checked against a dummy hash, so it costs the
     * same HMAC as a wrong secret, and every refusal is the same ACCESS_KEY_INVALID_CREDENTIALS. Failures
     * are audited and limited per key and per IP (RATE_LIMITED once exceeded).
     */
    async authenticateClient(accessKeyId: string, secret: string, meta: ClientMeta): Promise<Credential> {
      const ipKey = `key-auth-failures:ip:${meta.ip ?? 'unknown'}`;
      const keyKey = `key-auth-failures:key:${accessKeyId.slice(0, 64)}`;
      const limiterKeys: LimiterKeys = [ipKey, keyKey];
      refuseIfBlocked([ipKey, keyKey]);
      const credential = accessKeyIdPattern.test(accessKeyId) ? await credentialFor(accessKeyId) : undefined;
      secretVerifications += 1;
      const matches = deps.secrets.matches(secret, credential?.secretHash ?? dummyHash);
      const now = deps.clock.now();
      const reason = credential === undefined ? 'unknown-key' : !matches ? 'wrong-secret' : unusableReason(credential, now);
      if (credential === undefined || reason !== undefined) throw await recordFailure(accessKeyId, credential, reason ?? 'unknown-key', meta, limiterKeys);
      if (credential.lastUsedAt === null || now.getTime() - credential.lastUsedAt.getTime() >= lastUsedIntervalMs) {
        credential.lastUsedAt = now;
        await touchLastUsed(deps.db, credential.id, now, meta.ip ?? null);
      }
      return credential;
    },

    /**
     * A key exchange refused for its input (a field the edge refuses, an undecodable form): audited and
     * counted as a failed authentication like any other, so malformed requests cannot probe for free.
     * Answers RATE_LIMITED once a limit is exceeded, else undefined (the caller answers the validation error).
     */
    async refuseInvalidInput(accessKeyId: unknown, meta: ClientMeta): Promise<AppError | undefined> {
      const attempted = typeof accessKeyId === 'string' ? accessKeyId.slice(0, 64).replaceAll(refusedInKeys, '\ufffd') : '';
      // A refusal that names no key (a body the parser refused, a missing id) counts for the network only:
      // counted under one shared empty key, it would soon block every such refusal from everyone.
      const limiterKeys: LimiterKeys = [`key-auth-failures:ip:${meta.ip ?? 'unknown'}`, attempted === '' ? undefined : `key-auth-failures:key:${attempted}`];
      refuseIfBlocked(limiterKeys.filter((key) => key !== undefined));
      const refused = await recordFailure(attempted, undefined, 'invalid-input', meta, limiterKeys);
      return refused.code === 'RATE_LIMITED' ? refused : undefined;
    },

    /** The cached state of a key, for checking tokens issued for it: undefined when it is gone. */
    credentialFor,

    /** Counters for tests: every authentication costs exactly one HMAC verification. */
    stats: () => ({ secretVerifications }),

    close(): void {
      unsubscribe();
    },
  };
}

function normaliseChanges(body: UpdateAccessKeyBody): { state?: AccessKeyRecord['state']; description?: string | null } {
  const changes: { state?: AccessKeyRecord['state']; description?: string | null } = {};
  if (body.state !== undefined) changes.state = body.state;
  if (body.description !== undefined) changes.description = body.description === '' ? null : body.description;
  return changes;
}
