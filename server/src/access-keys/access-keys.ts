import { randomBytes } from 'node:crypto';
import type { AccessKey, AccessKeyState } from '@lanyard/contracts/api';
import { isPermission, type Permission } from '@lanyard/contracts/permissions';

/** Base32 (RFC 4648 alphabet) without padding. */
function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** A new public Access Key ID: `LAK` + 20 base32 characters (100 random bits), recognisable in logs and scanners. */
export function newAccessKeyId(): string {
  return `LAK${base32(randomBytes(13)).slice(0, 20)}`;
}

export const accessKeyIdPattern = /^LAK[A-Z2-7]{20}$/;

/** The permission that lets a user hold working access keys (SPEC §3.6): without it, every key stops working. */
export const accessKeyPermission: Permission = 'accessKeys.own.create';

/** Last used (time and IP) is written at most this often per key, so busy keys do not write on every exchange. */
export const lastUsedIntervalMs = 60_000;

/** Cached key state is trusted for at most this long, so a change made anywhere is seen within a second. */
export const credentialCacheTtlMs = 1_000;

export interface AccessKeyRecord {
  id: string;
  tenantId: string;
  userId: string;
  accessKeyId: string;
  description: string | null;
  state: AccessKeyState;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
}

/** Everything needed to accept or refuse a key and to build a token, loaded in one query and cached. */
export interface Credential {
  id: string;
  accessKeyId: string;
  tenantId: string;
  userId: string;
  secretHash: Uint8Array;
  state: AccessKeyState;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  /** Tokens issued under another version (before a deactivation) are refused. */
  tokenVersion: number;
  userStatus: string;
  rolePermissions: readonly string[];
  tokenLifetimeMinutes: number;
}

export function permissionsOf(credential: Pick<Credential, 'rolePermissions'>): Set<Permission> {
  return new Set(credential.rolePermissions.filter(isPermission));
}

/** Why a key cannot be used right now, or undefined when it can. */
export function unusableReason(credential: Credential, now: Date): string | undefined {
  if (credential.state !== 'active') return 'inactive';
  if (credential.expiresAt !== null && now.getTime() >= credential.expiresAt.getTime()) return 'expired';
  if (credential.userStatus !== 'active') return 'user-not-active';
  if (!credential.rolePermissions.includes(accessKeyPermission)) return 'permission-missing';
  return undefined;
}

export function toAccessKeyView(record: AccessKeyRecord): AccessKey {
  return {
    id: record.id,
    accessKeyId: record.accessKeyId,
    description: record.description,
    state: record.state,
    createdAt: record.createdAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: record.lastUsedIp,
    expiresAt: record.expiresAt?.toISOString() ?? null,
  };
}

/** The latest expiry a key created at `now` may have under the tenant's maximum lifetime (null: no limit). */
export function latestKeyExpiry(now: Date, maxKeyLifetimeDays: number | null): Date | null {
  return maxKeyLifetimeDays === null ? null : new Date(now.getTime() + maxKeyLifetimeDays * 86_400_000);
}
