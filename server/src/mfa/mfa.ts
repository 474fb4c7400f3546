import { randomBytes } from 'node:crypto';
import type { MfaPolicy, TotpPeriod } from '@lanyard/contracts/mfa';
import { Secret, TOTP } from 'otpauth';

/**
 * The second factor as a model: RFC 6238 TOTP (SHA-1, 6 digits, period 30 or 60 s) through `otpauth`,
 * typed secrets, recovery codes and the tenant's MFA policy. Pure: time and randomness come in as arguments
 * or from node:crypto, nothing is stored here.
 */

export const totpDigits = 6;
export const totpAlgorithm = 'SHA1';
/** Codes one step either side of the server's clock are accepted, no more. */
export const totpWindow = 1;
/** 160 random bits, as RFC 4226 recommends. */
export const seedBytes = 20;
export const recoveryCodeCount = 10;

/** A user's TOTP as the domain reads it; the seed is held decrypted only while a code is checked. */
export interface TotpRecord {
  userId: string;
  period: TotpPeriod;
  createdAt: Date;
  /** When a code confirmed it; null while the enrolment is pending. */
  confirmedAt: Date | null;
  /** The last time step a code was accepted for (-1 before any). */
  lastUsedStep: number;
}

/** Lengths a typed secret may have (80, 130 and 160 bits). */
export const typedSecretLengths = [16, 26, 32] as const;

/**
 * A secret as the person typed it → its canonical Base32 (upper case, no spaces), or undefined when it is
 * not Base32 of an accepted length. Spaces (any whitespace) and lower case are tolerated.
 */
export function normaliseTypedSecret(typed: string): string | undefined {
  const compact = typed.replace(/\s+/gu, '').toUpperCase();
  if (!/^[A-Z2-7]+$/u.test(compact)) return undefined;
  if (!(typedSecretLengths as readonly number[]).includes(compact.length)) return undefined;
  return compact;
}

/** The raw seed bytes of a canonical Base32 secret. */
export function seedFromBase32(base32: string): Buffer {
  return Buffer.from(Secret.fromBase32(base32).bytes);
}

/** A new random seed of 160 bits. */
export function newSeed(): Buffer {
  return randomBytes(seedBytes);
}

/** The Base32 form of a seed (what authenticator apps take), without padding. */
export function seedToBase32(seed: Uint8Array): string {
  return new Secret({ buffer: Uint8Array.from(seed).buffer }).base32;
}

function totpOf(seed: Uint8Array, period: number, label = 'Lanyard', issuer = 'Lanyard'): TOTP {
  return new TOTP({ issuer, label, algorithm: totpAlgorithm, digits: totpDigits, period, secret: new Secret({ buffer: Uint8Array.from(seed).buffer }) });
}

/** The time step of a moment: floor(unix seconds / period). */
export function timeStep(at: Date, period: number): number {
  return Math.floor(at.getTime() / 1000 / period);
}

/** The code of a seed at a moment (tests, and the RFC vectors). */
export function totpCode(seed: Uint8Array, period: number, at: Date): string {
  return totpOf(seed, period).generate({ timestamp: at.getTime() });
}

/**
 * The time step a code belongs to, within ±1 step of `now`, or undefined when it matches none. Whether
 * that step was already used is the caller's to decide (the stored last step).
 */
export function matchingStep(seed: Uint8Array, period: number, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/u.test(code)) return undefined;
  const delta = totpOf(seed, period).validate({ token: code, timestamp: now.getTime(), window: totpWindow });
  return delta === null ? undefined : timeStep(now, period) + delta;
}

/** The otpauth:// URI an authenticator app scans: issuer Lanyard (or the tenant), the username as label. */
export function otpauthUri(seed: Uint8Array, period: number, account: { username: string; issuer: string }): string {
  return totpOf(seed, period, account.username, account.issuer).toString();
}

/** What a person typed at sign-in: six digits (spaces tolerated), or anything else, read as a recovery code. */
export function classifyCode(typed: string): { kind: 'totp'; code: string } | { kind: 'recovery'; code: string } {
  const compact = typed.replace(/\s+/gu, '');
  if (/^\d{6}$/u.test(compact)) return { kind: 'totp', code: compact };
  return { kind: 'recovery', code: normaliseRecoveryCode(typed) };
}

const recoveryAlphabet = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Ten new recovery codes, `xxxxx-xxxxx` (50 random bits each, from an alphabet without 0/o/1/l). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: recoveryCodeCount }, () => {
    const bytes = randomBytes(10);
    const chars = Array.from(bytes, (byte) => recoveryAlphabet[byte % 32]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** A recovery code as typed → the form that is hashed: lower case, without spaces or hyphens. */
export function normaliseRecoveryCode(typed: string): string {
  return typed.replace(/[\s-]+/gu, '').toLowerCase();
}

/** Whether the tenant's policy makes this role use a second factor. */
/** What a sign-in needs after its first factor: the person's confirmed TOTP, else an enrolment where the policy requires a factor of their role. */
export type SecondStep = 'none' | 'totp' | 'enrolment';

export function secondStepOf(totpConfirmed: boolean, policy: MfaPolicy, roleId: string): SecondStep {
  if (totpConfirmed) return 'totp';
  return requiredByPolicy(policy, roleId) ? 'enrolment' : 'none';
}

export function requiredByPolicy(policy: MfaPolicy, roleId: string): boolean {
  return policy.mode === 'required' && policy.requiredRoleIds.includes(roleId);
}

/** A policy that means what it says: "required" names at least one role, and only "required" names roles. */
export function isConsistentMfaPolicy(policy: MfaPolicy): boolean {
  return policy.mode === 'required' ? policy.requiredRoleIds.length > 0 : policy.requiredRoleIds.length === 0;
}

/** The period a new enrolment gets: the one asked for (30 by default), if the policy allows it. */
export function allowedPeriod(policy: MfaPolicy, asked: TotpPeriod | undefined): TotpPeriod | undefined {
  const period = asked ?? 30;
  return (policy.allowedPeriods as readonly number[]).includes(period) ? period : undefined;
}

/** The associated data that binds a sealed seed to its user's row. */
export function seedAssociatedData(userId: string): string {
  return `mfa-totp:${userId}`;
}
