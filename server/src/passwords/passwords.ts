import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { DAY } from '../kernel/clock.ts';
import type { Argon2Parameters } from './password-hasher.ts';

/** A member's policy: their role's override, else the tenant's ("different for each person or groups"). */
export function effectivePolicy(tenantPolicy: PasswordPolicy, rolePolicy: PasswordPolicy | null): PasswordPolicy {
  return rolePolicy ?? tenantPolicy;
}

/** When a password changed at `changedAt` expires under the policy; null when the policy sets no expiry (or there is no password). */
export function passwordExpiresAt(policy: PasswordPolicy, changedAt: Date | null): Date | null {
  if (policy.expiryDays === 0 || changedAt === null) return null;
  return new Date(changedAt.getTime() + policy.expiryDays * DAY);
}

export function isPasswordExpired(policy: PasswordPolicy, changedAt: Date | null, now: Date): boolean {
  const expiresAt = passwordExpiresAt(policy, changedAt);
  return expiresAt !== null && now.getTime() >= expiresAt.getTime();
}

/** The argon2 parameters recorded in a PHC string, or undefined if it is not argon2id. */
export function phcParameters(phc: string): Argon2Parameters | undefined {
  const match = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phc);
  if (match === null) return undefined;
  return { memoryCost: Number(match[1]), timeCost: Number(match[2]), parallelism: Number(match[3]) };
}

/** A stored hash is rehashed at the next sign-in when the configured parameters are stronger. */
export function needsRehash(phc: string, configured: Argon2Parameters): boolean {
  const stored = phcParameters(phc);
  if (stored === undefined) return true;
  return stored.memoryCost < configured.memoryCost || stored.timeCost < configured.timeCost || stored.parallelism < configured.parallelism;
}

/** A user's password credential (table `password_credentials`): hash, change time, must-change flag (passwords/ writes them) and the lockout counters (lockout/ writes them). */
export interface CredentialState {
  userId: string;
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  passwordMustChange: boolean;
  failedLoginCount: number;
  lockedUntil: Date | null;
}

/** The columns of a password_credentials row, as the repository and read models select them (all null: the user has no row). */
export interface CredentialColumns {
  password_hash: string | null;
  password_changed_at: Date | null;
  password_must_change: boolean | null;
  failed_login_count: number | null;
  locked_until: Date | null;
}

/** The credential of a user; a user without a row (never set a password, SSO only) has no hash and no counts. */
export function credentialStateOf(userId: string, row: CredentialColumns | undefined): CredentialState {
  return {
    userId,
    passwordHash: row?.password_hash ?? null,
    passwordChangedAt: row?.password_changed_at ?? null,
    passwordMustChange: row?.password_must_change ?? false,
    failedLoginCount: row?.failed_login_count ?? 0,
    lockedUntil: row?.locked_until ?? null,
  };
}
