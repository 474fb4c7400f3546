import type { Logger } from 'pino';
import type { Executor } from '../storage/db.ts';

/**
 * Placeholder with the interface of the shared audit service (issue 3, landing on main): until it is
 * merged, audit events go to the log as `audit` lines. The real one writes an `audit_events` row in the
 * caller's transaction.
 */
export interface AuditEvent {
  tenantId: string | null;
  actorUserId: string | null;
  action: string;
  result: 'success' | 'failure';
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export type AuditService = ReturnType<typeof createAuditService>;

export function createAuditService(deps: { logger: Logger }) {
  return {
    async record(_executor: Executor, event: AuditEvent): Promise<void> {
      deps.logger.info({ audit: event }, 'audit event');
    },
  };
}
