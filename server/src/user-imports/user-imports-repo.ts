import { sql } from 'kysely';
import type { ErrorCode } from '@lanyard/contracts/error-codes';
import type { Executor } from '../storage/db.ts';
import type { UserImportJobRow, UserImportRowRow } from '../storage/database.ts';
import type { ImportField, ImportJob, ImportRow, RowError, RowInvite } from './user-imports.ts';

function toJob(row: UserImportJobRow): ImportJob {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    createdBy: row.created_by,
    state: row.state,
    total: row.total,
    processed: row.processed,
    succeeded: row.succeeded,
    failed: row.failed,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

function toRow(row: UserImportRowRow): ImportRow {
  const error: RowError | null = row.error_code === null ? null : { code: row.error_code as ErrorCode, field: (row.error_field ?? undefined) as ImportField | undefined };
  const invite: RowInvite | null =
    row.email === null || row.first_name === null || row.last_name === null || row.role_id === null
      ? null
      : { username: row.username, email: row.email, firstName: row.first_name, lastName: row.last_name, roleId: row.role_id, teamId: row.team_id };
  return { line: row.line, username: row.username, state: row.state, error, invite };
}

export async function insertUploadingJob(db: Executor, job: { id: string; tenantId: string; createdBy: string; createdAt: Date }): Promise<void> {
  await db.insertInto('user_import_jobs').values({ id: job.id, tenant_id: job.tenantId, created_by: job.createdBy, state: 'uploading', created_at: job.createdAt }).execute();
}

/** One multi-row INSERT for a batch of rows read from the file. */
export async function insertRows(db: Executor, jobId: string, rows: readonly ImportRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('user_import_rows')
    .values(
      rows.map((row) => ({
        job_id: jobId,
        line: row.line,
        username: row.username,
        email: row.invite?.email ?? null,
        first_name: row.invite?.firstName ?? null,
        last_name: row.invite?.lastName ?? null,
        role_id: row.invite?.roleId ?? null,
        team_id: row.invite?.teamId ?? null,
        state: row.state,
        error_code: row.error?.code ?? null,
        error_field: row.error?.field ?? null,
        user_id: null,
      })),
    )
    .execute();
}

/** The file is read: the job runs, with the rows refused while reading counted as processed and failed. */
export async function markJobRunning(db: Executor, jobId: string, counts: { total: number; failed: number }): Promise<void> {
  await db
    .updateTable('user_import_jobs')
    .set({ state: 'running', total: counts.total, processed: counts.failed, failed: counts.failed })
    .where('id', '=', jobId)
    .where('state', '=', 'uploading')
    .execute();
}

export async function deleteJob(db: Executor, jobId: string): Promise<void> {
  await db.deleteFrom('user_import_jobs').where('id', '=', jobId).execute();
}

/** Uploads a crash left behind (their request is long gone): deleted with their rows. */
export async function deleteStaleUploads(db: Executor, olderThan: Date): Promise<number> {
  const result = await db.deleteFrom('user_import_jobs').where('state', '=', 'uploading').where('created_at', '<', olderThan).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function findJob(db: Executor, tenantId: string, jobId: string): Promise<ImportJob | undefined> {
  const row = await db
    .selectFrom('user_import_jobs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', jobId)
    .where('state', '<>', 'uploading')
    .executeTakeFirst();
  return row === undefined ? undefined : toJob(row);
}

/**
 * Takes the oldest running job no other live instance holds (no lease, its lease ran out, or it is
 * already `leaseId`'s after an error) for `leaseId` until `leaseUntil`; concurrent instances get
 * different jobs (SKIP LOCKED).
 */
export async function claimJob(db: Executor, leaseId: string, now: Date, leaseUntil: Date): Promise<ImportJob | undefined> {
  const row = await db
    .updateTable('user_import_jobs')
    .set({ lease_id: leaseId, lease_until: leaseUntil })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('user_import_jobs')
        .select('id')
        .where('state', '=', 'running')
        .where((inner) => inner.or([inner('lease_until', 'is', null), inner('lease_until', '<', now), inner('lease_id', '=', leaseId)]))
        .orderBy('created_at')
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toJob(row);
}

/** Extends this instance's lease; false when another instance has taken the job (or it is done). */
export async function renewLease(db: Executor, jobId: string, leaseId: string, leaseUntil: Date): Promise<boolean> {
  const result = await db.updateTable('user_import_jobs').set({ lease_until: leaseUntil }).where('id', '=', jobId).where('lease_id', '=', leaseId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Hands back the jobs (or one job) this instance holds, so another instance can take them at once. */
export async function releaseLeases(db: Executor, leaseId: string, jobId?: string): Promise<void> {
  let update = db.updateTable('user_import_jobs').set({ lease_id: null, lease_until: null }).where('lease_id', '=', leaseId);
  if (jobId !== undefined) update = update.where('id', '=', jobId);
  await update.execute();
}

/** The next pending row of the job, locked until `trx` ends; another transaction skips it. */
export async function lockNextPendingRow(trx: Executor, jobId: string): Promise<ImportRow | undefined> {
  const row = await trx
    .selectFrom('user_import_rows')
    .selectAll()
    .where('job_id', '=', jobId)
    .where('state', '=', 'pending')
    .orderBy('line')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  return row === undefined ? undefined : toRow(row);
}

/** Records a pending row's outcome and counts it on the job; false (nothing changed) when the row was no longer pending. */
export async function recordRowOutcome(
  trx: Executor,
  jobId: string,
  line: number,
  outcome: { state: 'invited'; userId: string } | { state: 'failed'; error: RowError },
): Promise<boolean> {
  const updated = await trx
    .updateTable('user_import_rows')
    .set(
      outcome.state === 'invited'
        ? { state: 'invited', user_id: outcome.userId }
        : { state: 'failed', error_code: outcome.error.code, error_field: outcome.error.field ?? null },
    )
    .where('job_id', '=', jobId)
    .where('line', '=', line)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return false;
  await trx
    .updateTable('user_import_jobs')
    .set((eb) => ({
      processed: eb('processed', '+', 1),
      ...(outcome.state === 'invited' ? { succeeded: eb('succeeded', '+', 1) } : { failed: eb('failed', '+', 1) }),
    }))
    .where('id', '=', jobId)
    .execute();
  return true;
}

/** Marks the job done once no row is pending; undefined when rows remain (or it was already done). */
export async function finishJob(trx: Executor, jobId: string, finishedAt: Date): Promise<ImportJob | undefined> {
  const row = await trx
    .updateTable('user_import_jobs')
    .set({ state: 'done', finished_at: finishedAt, lease_id: null, lease_until: null })
    .where('id', '=', jobId)
    .where('state', '=', 'running')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('user_import_rows').select(sql.lit(1).as('one')).where('job_id', '=', jobId).where('state', '=', 'pending'))))
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toJob(row);
}

/** Processed rows (or those with one outcome) after `afterLine`, in line order. */
export async function listProcessedRows(
  db: Executor,
  jobId: string,
  query: { outcome?: 'invited' | 'failed' | undefined; afterLine?: number | undefined; limit: number },
): Promise<ImportRow[]> {
  let select = db.selectFrom('user_import_rows').selectAll().where('job_id', '=', jobId);
  select = query.outcome === undefined ? select.where('state', 'in', ['invited', 'failed']) : select.where('state', '=', query.outcome);
  if (query.afterLine !== undefined) select = select.where('line', '>', query.afterLine);
  const rows = await select.orderBy('line').limit(query.limit).execute();
  return rows.map(toRow);
}

/** Every row (pending ones too) after `afterLine`, in line order: one batch of the CSV report. */
export async function listRows(db: Executor, jobId: string, afterLine: number, limit: number): Promise<ImportRow[]> {
  const rows = await db.selectFrom('user_import_rows').selectAll().where('job_id', '=', jobId).where('line', '>', afterLine).orderBy('line').limit(limit).execute();
  return rows.map(toRow);
}
