import { pipeline, Transform, type Readable } from 'node:stream';
import { userImportMaxBytes, userImportMaxRows } from '@lanyard/contracts/admin';
import type { ErrorCode } from '@lanyard/contracts/error-codes';
import type { Permission } from '@lanyard/contracts/permissions';
import { CsvError, parse } from 'csv-parse';
import type { Logger } from 'pino';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError, isAppError } from '../errors/app-error.ts';
import type { InvitationsService } from '../invitations/invitations-service.ts';
import { HOUR, type Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { canonicalName } from '../kernel/names.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RolesService } from '../roles/roles-service.ts';
import type { Db } from '../storage/db.ts';
import type { TeamsService } from '../teams/teams-service.ts';
import type { UsersService } from '../users/users-service.ts';
import { checkRow, isImportHeader, recordStartLine, reportedUsername, type ImportField, type ImportJob, type ImportRow, type RowContext, type RowError } from './user-imports.ts';
import {
  claimJob,
  deleteJob,
  deleteStaleUploads,
  findJob,
  finishJob,
  insertRows,
  insertUploadingJob,
  listProcessedRows,
  listRows,
  lockNextPendingRow,
  markJobRunning,
  recordRowOutcome,
  releaseLeases,
  renewLease,
} from './user-imports-repo.ts';

export interface ImportJobPage {
  job: ImportJob;
  rows: ImportRow[];
  nextCursor: number | null;
}

/**
 * Bulk invitations from a CSV file. The file is read and checked row by row while it streams in (rows
 * stored in batches); the invitations are made in the background by each instance's worker, one row per
 * transaction together with the invitation itself, at most `rowsPerSecond` rows a second, so a large file
 * neither floods the outbox nor invites a row twice when a job is resumed after a restart.
 */
export interface UserImportsService {
  /**
   * Reads the CSV body and queues a job for its rows; refuses a wrong header (IMPORT_HEADER_INVALID), a
   * file that is not CSV in UTF-8 (IMPORT_CSV_MALFORMED), one over the size limit (PAYLOAD_TOO_LARGE) or
   * with too many rows (IMPORT_TOO_MANY_ROWS), and then stores nothing.
   */
  startImport(principal: Principal, body: Readable, meta?: { ip?: string | undefined }): Promise<{ jobId: string }>;
  /** A job of the tenant and one page of its processed rows; another tenant's job is IMPORT_JOB_NOT_FOUND. */
  getJob(tenantId: string, jobId: string, query: { outcome?: 'invited' | 'failed' | undefined; cursor?: number | undefined; limit: number }): Promise<ImportJobPage>;
  /** Every row of a job in line order, in batches, read as they are consumed; IMPORT_JOB_NOT_FOUND before any is read. */
  reportBatches(tenantId: string, jobId: string): Promise<AsyncIterable<ImportRow[]>>;
  /** Starts this instance's worker: it resumes every unfinished job no other live instance holds (idempotent). */
  start(): void;
  /** Stops the worker: the row being invited is finished, and this instance's jobs are handed back at once. */
  stop(): Promise<void>;
}

/** Rows stored per INSERT while a file is read. */
const insertBatch = 1000;
/** Rows per statement of the CSV report. */
const reportBatch = 1000;
/** A worker holds a job this long without renewing; a stopped (or killed) instance's jobs are taken over after it. */
const leaseMs = 30_000;
const idlePollMs = 5_000;
/** A record (one row of the file) longer than this is not a row but a broken file. */
const maxRecordCharacters = 64 * 1024;
/** What a row's invitation may be refused with: the row fails with that code, the job goes on. */
const rowRefusals = new Map<ErrorCode, ImportField | undefined>([
  ['USERNAME_TAKEN', 'username'],
  ['ROLE_NOT_FOUND', 'role'],
  ['ROLE_NOT_GRANTABLE', 'role'],
  ['TEAM_NOT_FOUND', 'team'],
]);

class RowRefused extends Error {
  constructor(readonly error: RowError) {
    super(error.code);
  }
}

/** Counts the bytes (refusing more than the limit) and decodes UTF-8 strictly (bytes that are not UTF-8 are refused, a byte order mark dropped). */
function strictUtf8(maxBytes: number): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  const notUtf8 = () => new AppError('IMPORT_CSV_MALFORMED', { details: { reason: 'not UTF-8' } });
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        done(new AppError('PAYLOAD_TOO_LARGE', { details: { maxBytes } }));
        return;
      }
      try {
        done(null, decoder.decode(chunk, { stream: true }));
      } catch {
        done(notUtf8());
      }
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(notUtf8());
      }
    },
  });
}

/** What a failed read of the body means for the client. */
function uploadError(error: unknown): unknown {
  if (isAppError(error)) return error;
  if (error instanceof CsvError) return new AppError('IMPORT_CSV_MALFORMED', { details: { reason: error.code }, cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') return new AppError('MALFORMED_REQUEST', { cause: error });
  return error;
}

export function createUserImportsService(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  rowsPerSecond: number;
  invitations: Pick<InvitationsService, 'inviteUser'>;
  roles: Pick<RolesService, 'listRoles'>;
  teams: Pick<TeamsService, 'listTeams'>;
  users: Pick<UsersService, 'getMember'>;
  audit: Pick<AuditService, 'record'>;
  /** Rows one file may hold (the contract's limit unless a test asks for a smaller one). */
  maxRows?: number;
}): UserImportsService {
  const { db, clock } = deps;
  const maxRows = deps.maxRows ?? userImportMaxRows;
  const leaseId = newId();
  let loop: Promise<void> | undefined;
  let stopping = false;
  const wakers = new Set<() => void>();
  /** Waits `ms`, or until stop() (and, when `pokeable`, a new job) ends the wait early. */
  const wait = (ms: number, pokeable: boolean): Promise<void> =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        pokeableWakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
      if (pokeable) pokeableWakers.add(done);
    });
  const pokeableWakers = new Set<() => void>();
  const poke = () => {
    for (const wake of [...pokeableWakers]) wake();
  };

  /** The importer as they are now: their permissions in the job's tenant, or undefined when they may no longer invite. */
  const currentActor = async (job: ImportJob): Promise<{ userId: string; permissions: ReadonlySet<Permission> } | undefined> => {
    if (job.createdBy === null) return undefined;
    const member = await deps.users.getMember(job.tenantId, job.createdBy).catch((error: unknown) => {
      if (isAppError(error, 'USER_NOT_FOUND')) return undefined;
      throw error;
    });
    if (member === undefined || member.user.status !== 'active') return undefined;
    const permissions = new Set(member.membership.role.permissions as Permission[]);
    return permissions.has('users.invite') ? { userId: job.createdBy, permissions } : undefined;
  };

  /** Invites the next pending row (or records why it fails); false when no row is pending. */
  const processNextRow = async (job: ImportJob, actor: Awaited<ReturnType<typeof currentActor>>): Promise<boolean> => {
    let refused: { line: number; error: RowError } | undefined;
    const found = await db
      .transaction()
      .execute(async (trx) => {
        const row = await lockNextPendingRow(trx, job.id);
        if (row === undefined) return false;
        if (row.invite === null) throw new RowRefused({ code: 'IMPORT_ROW_INVALID' });
        if (actor === undefined) throw new RowRefused({ code: 'PERMISSION_DENIED' });
        try {
          const issued = await deps.invitations.inviteUser(job.tenantId, row.invite, actor, trx);
          await recordRowOutcome(trx, job.id, row.line, { state: 'invited', userId: issued.user.id });
        } catch (error) {
          if (isAppError(error) && rowRefusals.has(error.code)) {
            refused = { line: row.line, error: { code: error.code, field: rowRefusals.get(error.code) } };
            throw new RowRefused(refused.error);
          }
          throw error;
        }
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof RowRefused) return true;
        throw error;
      });
    // The invitation was refused and its transaction rolled back: the row fails on its own.
    if (refused !== undefined) {
      const { line, error } = refused;
      await db.transaction().execute((trx) => recordRowOutcome(trx, job.id, line, { state: 'failed', error }));
    }
    return found;
  };

  /** Spaces rows at least 1/rowsPerSecond apart. */
  const minGapMs = 1000 / deps.rowsPerSecond;
  let nextRowAt = 0;
  const pace = async () => {
    const now = performance.now();
    if (nextRowAt > now) await wait(nextRowAt - now, false);
    nextRowAt = Math.max(nextRowAt, now) + minGapMs;
  };

  const finish = async (job: ImportJob): Promise<void> => {
    const finished = await db.transaction().execute(async (trx) => {
      const done = await finishJob(trx, job.id, clock.now());
      if (done !== undefined) {
        await deps.audit.record(trx, {
          tenantId: done.tenantId,
          actorUserId: done.createdBy,
          action: 'user.import.finished',
          result: 'success',
          targetType: 'userImport',
          targetId: done.id,
          details: { total: done.total, succeeded: done.succeeded, failed: done.failed },
        });
      }
      return done;
    });
    if (finished === undefined) await releaseLeases(db, leaseId, job.id);
    else deps.logger.info({ jobId: job.id, total: finished.total, succeeded: finished.succeeded, failed: finished.failed }, 'user import finished');
  };

  const work = async (job: ImportJob): Promise<void> => {
    let actor = await currentActor(job);
    let checkedAt = performance.now();
    let renewedAt = performance.now();
    while (!stopping) {
      if (performance.now() - renewedAt > leaseMs / 3) {
        if (!(await renewLease(db, job.id, leaseId, new Date(clock.now().getTime() + leaseMs)))) return;
        renewedAt = performance.now();
      }
      // The importer's rights are read again every few seconds: one who is disabled or loses users.invite stops inviting.
      if (performance.now() - checkedAt > 5_000) {
        actor = await currentActor(job);
        checkedAt = performance.now();
      }
      await pace();
      if (stopping) return;
      if (!(await processNextRow(job, actor))) {
        await finish(job);
        return;
      }
    }
  };

  const run = async (): Promise<void> => {
    while (!stopping) {
      try {
        await deleteStaleUploads(db, new Date(clock.now().getTime() - HOUR));
        const job = await claimJob(db, leaseId, clock.now(), new Date(clock.now().getTime() + leaseMs));
        if (job === undefined) {
          await wait(idlePollMs, true);
          continue;
        }
        deps.logger.info({ jobId: job.id, processed: job.processed, total: job.total }, 'user import: working through a job');
        await work(job);
      } catch (error) {
        deps.logger.error({ err: error }, 'user import worker failed; trying again');
        await wait(idlePollMs, true);
      }
    }
  };

  const getJobOrThrow = async (tenantId: string, jobId: string): Promise<ImportJob> => {
    const job = await findJob(db, tenantId, jobId);
    if (job === undefined) throw new AppError('IMPORT_JOB_NOT_FOUND', { details: { jobId } });
    return job;
  };

  return {
    async startImport(principal, body, meta = {}) {
      const [roles, teams] = await Promise.all([deps.roles.listRoles(principal.tenantId), deps.teams.listTeams(principal.tenantId)]);
      const context: RowContext = {
        rolesByName: new Map(roles.map((role) => [canonicalName(role.name), role])),
        teamsByName: new Map(teams.map((team) => [canonicalName(team.name), team])),
        permissions: principal.permissions,
        seenUsernames: new Set(),
      };
      const parser = parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true, max_record_size: maxRecordCharacters });
      // The request is piped (not pipelined) into the decoder, so refusing the file early does not destroy
      // the connection the refusal is answered on; what is left of the body is then read and dropped.
      const decoder = strictUtf8(userImportMaxBytes);
      const abandoned = (error?: unknown) => decoder.destroy(Object.assign(new Error('the client stopped sending the file'), { code: 'ECONNRESET', cause: error }));
      body.once('error', abandoned);
      body.once('aborted', abandoned);
      body.pipe(decoder);
      const records = pipeline(decoder, parser, () => undefined) as AsyncIterable<{ record: string[]; info: { lines: number } }>;
      const createdAt = clock.now();
      const jobId = newId(createdAt.getTime());
      let created = false;
      let header = true;
      let total = 0;
      let failed = 0;
      let batch: ImportRow[] = [];
      try {
        for await (const { record, info } of records) {
          if (header) {
            if (!isImportHeader(record)) throw new AppError('IMPORT_HEADER_INVALID');
            header = false;
            await insertUploadingJob(db, { id: jobId, tenantId: principal.tenantId, createdBy: principal.userId, createdAt });
            created = true;
            continue;
          }
          total += 1;
          if (total > maxRows) throw new AppError('IMPORT_TOO_MANY_ROWS', { details: { maxRows } });
          const line = recordStartLine(record, info.lines);
          const checked = checkRow(record, context);
          if ('error' in checked) failed += 1;
          batch.push(
            'error' in checked
              ? { line, username: reportedUsername(record[0]), state: 'failed', error: checked.error, invite: null }
              : { line, username: checked.invite.username, state: 'pending', error: null, invite: checked.invite },
          );
          if (batch.length >= insertBatch) {
            await insertRows(db, jobId, batch);
            batch = [];
          }
        }
        if (header) throw new AppError('IMPORT_HEADER_INVALID');
        await insertRows(db, jobId, batch);
        await db.transaction().execute(async (trx) => {
          await markJobRunning(trx, jobId, { total, failed });
          await deps.audit.record(trx, {
            tenantId: principal.tenantId,
            actorUserId: principal.userId,
            action: 'user.import.started',
            result: 'success',
            targetType: 'userImport',
            targetId: jobId,
            ip: meta.ip,
            details: { total, refusedWhileReading: failed },
          });
        });
      } catch (error) {
        body.unpipe(decoder);
        body.resume();
        if (created) await deleteJob(db, jobId).catch((cleanup: unknown) => deps.logger.warn({ err: cleanup, jobId }, 'user import: could not delete a refused upload'));
        throw uploadError(error);
      } finally {
        body.off('error', abandoned);
        body.off('aborted', abandoned);
      }
      poke();
      return { jobId };
    },

    async getJob(tenantId, jobId, query) {
      const job = await getJobOrThrow(tenantId, jobId);
      const rows = await listProcessedRows(db, job.id, { outcome: query.outcome, afterLine: query.cursor, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      return { job, rows: page, nextCursor: rows.length > query.limit ? (page.at(-1)?.line ?? null) : null };
    },

    async reportBatches(tenantId, jobId) {
      const job = await getJobOrThrow(tenantId, jobId);
      return (async function* batches() {
        let afterLine = 0;
        for (;;) {
          const rows = await listRows(db, job.id, afterLine, reportBatch);
          if (rows.length > 0) yield rows;
          if (rows.length < reportBatch) return;
          afterLine = (rows.at(-1) as ImportRow).line;
        }
      })();
    },

    start() {
      if (loop !== undefined) return;
      stopping = false;
      loop = run();
    },

    async stop() {
      stopping = true;
      for (const wake of [...wakers]) wake();
      if (loop !== undefined) await loop;
      loop = undefined;
      await releaseLeases(db, leaseId).catch((error: unknown) => deps.logger.warn({ err: error }, 'user import: could not hand back jobs'));
    },
  };
}
