import type { TotpPeriod } from '@lanyard/contracts/mfa';
import type { Executor } from '../storage/db.ts';
import type { MfaTotpRow } from '../storage/database.ts';
import type { TotpRecord } from './mfa.ts';

function toTotp(row: MfaTotpRow): TotpRecord {
  return {
    userId: row.user_id,
    period: row.period as TotpPeriod,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    lastUsedStep: row.last_used_step,
  };
}

/** The user's TOTP (pending or active) with its sealed seed, or undefined. */
export async function findTotp(db: Executor, userId: string): Promise<{ totp: TotpRecord; sealedSeed: Uint8Array } | undefined> {
  const row = await db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row === undefined ? undefined : { totp: toTotp(row), sealedSeed: row.secret_sealed };
}

/** A new pending enrolment, replacing a pending one (never an active one: the caller checked, and the WHERE keeps it so). */
export async function upsertPendingTotp(db: Executor, userId: string, sealedSeed: Buffer, period: TotpPeriod, now: Date): Promise<boolean> {
  const row = await db
    .insertInto('mfa_totp')
    .values({ user_id: userId, secret_sealed: sealedSeed, period, created_at: now, confirmed_at: null })
    .onConflict((conflict) =>
      conflict
        .column('user_id')
        .doUpdateSet({ secret_sealed: sealedSeed, period, created_at: now, confirmed_at: null, last_used_step: -1 })
        .where('mfa_totp.confirmed_at', 'is', null),
    )
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Accepts a code's time step exactly once: one conditional UPDATE, so of concurrent submissions of one
 * code exactly one finds `last_used_step < step` (the row lock serialises them). `confirm` also activates
 * a pending enrolment; otherwise only an active one is matched.
 */
export async function consumeTotpStep(db: Executor, userId: string, step: number, options: { confirmAt?: Date }): Promise<boolean> {
  let query = db
    .updateTable('mfa_totp')
    .set(options.confirmAt === undefined ? { last_used_step: step } : { last_used_step: step, confirmed_at: options.confirmAt })
    .where('user_id', '=', userId)
    .where('last_used_step', '<', step);
  query = options.confirmAt === undefined ? query.where('confirmed_at', 'is not', null) : query.where('confirmed_at', 'is', null);
  const row = await query.returning('user_id').executeTakeFirst();
  return row !== undefined;
}

export async function deleteTotp(db: Executor, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('mfa_totp').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function countUnusedRecoveryCodes(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('mfa_recovery_codes')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Replaces every recovery code of the user with new ones (keyed hashes only). */
export async function replaceRecoveryCodes(db: Executor, userId: string, codes: { id: string; hash: Buffer }[], now: Date): Promise<void> {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  if (codes.length === 0) return;
  await db
    .insertInto('mfa_recovery_codes')
    .values(codes.map((code) => ({ id: code.id, user_id: userId, code_hash: code.hash, created_at: now, used_at: null })))
    .execute();
}

/** Uses a recovery code if, and only if, it is the user's and unused: one conditional UPDATE. */
export async function consumeRecoveryCode(db: Executor, userId: string, hash: Buffer, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('mfa_recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteRecoveryCodes(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
}
