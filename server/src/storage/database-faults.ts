import { AsyncLocalStorage } from 'node:async_hooks';
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import { AppError } from '../errors/app-error.ts';

/**
 * What a lost or missing database connection means for a statement, decided in one place for PostgreSQL
 * (`pg`) and PGlite alike. Every other error (a unique violation, a bad query) is left as it is.
 *
 * - `unavailable`: no connection could be had (refused, "the database system is starting up", too many
 *   connections, the pool or PGlite closed). Nothing ran.
 * - `not-sent`: the connection was already broken when the statement was to be sent. Nothing ran.
 * - `lost`: the connection died while the statement was on its way or running. Whether it took effect
 *   depends on the statement: a read changed nothing, a statement inside a transaction went with the
 *   transaction's rollback, but a COMMIT or an autocommit write may have been applied.
 */
export type DatabaseFault = 'unavailable' | 'not-sent' | 'lost';

/** Where a statement stands when its connection fails. */
export type StatementStage = 'read' | 'write' | 'in-transaction' | 'commit';

/** SQLSTATEs of a server that refuses new connections for now. */
const refusingStates = new Set([
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '53300', // too_many_connections
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
]);

/** SQLSTATEs of a server that ends the connection: the session and its open transaction are gone. */
const endingStates = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, a fast shutdown
  '57P02', // crash_shutdown
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout
]);

const refusedSocket = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const brokenSocket = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

const unavailableMessages = [
  'Cannot use a pool after calling end on the pool',
  'driver has already been destroyed',
  'PGlite is closed',
  'PGlite is closing',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
];

/** Which fault an error is, or undefined when it is not about the connection. */
export function databaseFaultOf(error: unknown): DatabaseFault | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error instanceof AggregateError && error.errors.length > 0) {
    // `pg` reports a host with several addresses (localhost: ::1 and 127.0.0.1) as one AggregateError.
    const faults = error.errors.map(databaseFaultOf);
    if (faults.every((fault) => fault === 'unavailable')) return 'unavailable';
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (refusingStates.has(code) || refusedSocket.has(code)) return 'unavailable';
    if (endingStates.has(code) || code.startsWith('08') || brokenSocket.has(code)) return 'lost';
  }
  const { message } = error;
  if (unavailableMessages.some((text) => message.includes(text))) return 'unavailable';
  // `pg` refuses to send on a client whose connection already failed or was closed.
  if (message.includes('is not queryable')) return 'not-sent';
  if (message.startsWith('Connection terminated') || message === 'Query read timeout') return 'lost';
  return undefined;
}

const retryAfter = { 'retry-after': '1' };

/** Per request: whether a write of it may already be applied (an autocommit write or a COMMIT succeeded). */
const requestScope = new AsyncLocalStorage<{ applied: boolean }>();

/**
 * Runs `next` (a request's handler) in a scope of its own, so that a fault after one of its writes was
 * applied answers SERVICE_OUTCOME_UNKNOWN whatever the failing statement is: SERVICE_NOT_READY promises
 * that nothing of the request was applied.
 */
export function withinRequestScope<T>(next: () => T): T {
  return requestScope.run({ applied: false }, next);
}

function noteApplied(): void {
  const scope = requestScope.getStore();
  if (scope !== undefined) scope.applied = true;
}

/**
 * The answer to a fault: SERVICE_NOT_READY when nothing can have been applied, SERVICE_OUTCOME_UNKNOWN when
 * it may have been (a COMMIT or an autocommit write whose connection died after it was sent).
 */
export function faultToAppError(fault: DatabaseFault, stage: StatementStage, cause: unknown): AppError {
  const unknown = (fault === 'lost' && (stage === 'commit' || stage === 'write')) || requestScope.getStore()?.applied === true;
  return new AppError(unknown ? 'SERVICE_OUTCOME_UNKNOWN' : 'SERVICE_NOT_READY', { cause, headers: retryAfter });
}

/** The AppError for a database error, or the error itself when it is not a connection fault. */
export function classifyDatabaseError(error: unknown, stage: StatementStage): unknown {
  if (error instanceof AppError) return error;
  const fault = databaseFaultOf(error);
  return fault === undefined ? error : faultToAppError(fault, stage, error);
}

const dataModifying = /\b(?:insert|update|delete|merge)\b/i;

/** A statement outside a transaction that changes nothing: a `select`, or a `with` of selects only. */
export function isReadStatement(sql: string): boolean {
  const start = /^\s*(select|with)\b/i.exec(sql)?.[1]?.toLowerCase();
  return start === 'select' || (start === 'with' && !dataModifying.test(sql));
}

interface FaultOptions {
  /** Runs a read outside a transaction once more on a fresh connection when its connection was lost. */
  retryReads: boolean;
}

/** Kysely's connection for one checkout, remembering whether a transaction is open on it. */
class GuardedConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(
    public inner: DatabaseConnection | undefined,
    private readonly driver: GuardedDriver,
  ) {}

  current(): DatabaseConnection {
    if (this.inner === undefined) throw faultToAppError('unavailable', 'read', undefined);
    return this.inner;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const read = !this.inTransaction && isReadStatement(query.sql);
    const stage: StatementStage = this.inTransaction ? 'in-transaction' : read ? 'read' : 'write';
    try {
      const result = await this.current().executeQuery<R>(query);
      if (stage === 'write') noteApplied();
      return result;
    } catch (error) {
      const fault = databaseFaultOf(error);
      if (fault === undefined) throw error;
      if (read && fault !== 'unavailable' && this.driver.options.retryReads) return this.retry<R>(query);
      throw faultToAppError(fault, stage, error);
    }
  }

  /** Gives the dead connection back (the pool drops it) and runs the read once on a fresh one. */
  private async retry<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    await this.driver.releaseInner(this);
    // A termination or restart ends every connection at once: let the pool hear of the others first, so
    // the repeat does not get one of them from the idle list.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      this.inner = await this.driver.acquireInner();
      return await this.inner.executeQuery<R>(query);
    } catch (error) {
      throw classifyDatabaseError(error, 'read');
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.current().streamQuery<R>(query, chunkSize);
  }
}

/** Wraps a Kysely driver so that connection faults become the AppErrors above (see `faultToAppError`). */
class GuardedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    readonly options: FaultOptions,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireInner(): Promise<DatabaseConnection> {
    try {
      return await this.inner.acquireConnection();
    } catch (error) {
      // Whatever stops a connection being had, nothing ran on it.
      throw faultToAppError('unavailable', 'read', error);
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new GuardedConnection(await this.acquireInner(), this);
  }

  async releaseInner(connection: GuardedConnection): Promise<void> {
    const inner = connection.inner;
    connection.inner = undefined;
    if (inner !== undefined) await this.inner.releaseConnection(inner);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const guarded = connection as GuardedConnection;
    try {
      await this.inner.beginTransaction(guarded.current(), settings);
    } catch (error) {
      throw classifyDatabaseError(error, 'in-transaction');
    }
    guarded.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const guarded = connection as GuardedConnection;
    try {
      await this.inner.commitTransaction(guarded.current());
      noteApplied();
    } catch (error) {
      throw classifyDatabaseError(error, 'commit');
    } finally {
      guarded.inTransaction = false;
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const guarded = connection as GuardedConnection;
    guarded.inTransaction = false;
    try {
      await this.inner.rollbackTransaction(guarded.current());
    } catch (error) {
      // The connection is gone, and PostgreSQL rolled the transaction back with it. Kysely throws what
      // rollback throws in place of the error that caused it, so a dead connection must not throw here:
      // the COMMIT's SERVICE_OUTCOME_UNKNOWN would become a rollback's SERVICE_NOT_READY.
      if (error instanceof AppError || databaseFaultOf(error) !== undefined) return;
      throw error;
    }
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]): Promise<void> {
    await this.inTransaction(connection, (inner) => this.inner.savepoint?.(inner, name, compile));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2]): Promise<void> {
    await this.inTransaction(connection, (inner) => this.inner.rollbackToSavepoint?.(inner, name, compile));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2]): Promise<void> {
    await this.inTransaction(connection, (inner) => this.inner.releaseSavepoint?.(inner, name, compile));
  }

  private async inTransaction(connection: DatabaseConnection, step: (inner: DatabaseConnection) => Promise<void> | undefined): Promise<void> {
    try {
      const running = step((connection as GuardedConnection).current());
      if (running === undefined) throw new Error('Savepoints are not supported by this driver');
      await running;
    } catch (error) {
      throw classifyDatabaseError(error, 'in-transaction');
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.releaseInner(connection as GuardedConnection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/**
 * A dialect whose driver answers connection faults with SERVICE_NOT_READY or SERVICE_OUTCOME_UNKNOWN (503,
 * Retry-After) instead of the driver's own error, which would be a 500. Reads outside a transaction are
 * repeated once on a fresh connection when `retryReads` (PostgreSQL; PGlite's one connection cannot be lost).
 */
export function withDatabaseFaults(dialect: Dialect, options: FaultOptions): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new GuardedDriver(dialect.createDriver(), options),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
