import type { AccessibilityFeedbackBody } from '@lanyard/contracts/account';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import type { Db } from '../storage/db.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import { insertFeedback, listFeedback } from './accessibility-feedback-repo.ts';
import { isFeedbackCursor, type AccessibilityFeedbackRecord } from './accessibility-feedback.ts';

/** The accessibility statement's feedback: anyone may send it; a tenant's administrators read their tenant's. */
export interface AccessibilityFeedbackService {
  /**
   * Stores a message for the sender's tenant (signed in), else the tenant the form names (TENANT_NOT_FOUND for
   * an unknown one), else the deployment's first tenant: its operator's administrators read it. Feedback is
   * never stored for no tenant, where no administrator could ever read it.
   */
  send(principal: Principal | undefined, body: AccessibilityFeedbackBody): Promise<AccessibilityFeedbackRecord>;
  /** The tenant's feedback, newest first, in keyset pages; the first tenant's also holds what older versions stored for no tenant. */
  list(tenantId: string, page: { limit: number; cursor?: string | undefined }): Promise<{ items: AccessibilityFeedbackRecord[]; nextCursor: string | null }>;
}

export function createAccessibilityFeedbackService(deps: { db: Db; clock: Clock; tenants: Pick<TenantsService, 'getTenant' | 'getFirstTenant'> }): AccessibilityFeedbackService {
  return {
    async send(principal, body) {
      let tenantId: string;
      if (principal !== undefined) tenantId = principal.tenantId;
      else if (body.tenantId !== undefined) tenantId = (await deps.tenants.getTenant(body.tenantId)).id;
      else tenantId = (await deps.tenants.getFirstTenant()).id;
      const createdAt = deps.clock.now();
      const record = {
        id: newId(createdAt.getTime()),
        tenantId,
        userId: principal?.userId ?? null,
        message: body.message,
        page: body.page ?? null,
        contactEmail: body.contactEmail ?? null,
        createdAt,
      };
      await insertFeedback(deps.db, record);
      return { ...record, username: null };
    },

    async list(tenantId, page) {
      if (page.cursor !== undefined && !isFeedbackCursor(page.cursor)) throw new AppError('VALIDATION_FAILED', { details: { fields: { cursor: 'not a cursor' } } });
      const first = await deps.tenants.getFirstTenant();
      const rows = await listFeedback(deps.db, tenantId, page.limit + 1, page.cursor, first.id === tenantId);
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
    },
  };
}
