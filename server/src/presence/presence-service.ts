import type { CreatePresenceReasonListBody, MicrophoneOutcome, MicrophoneState, UpdatePresenceReasonListBody } from '@lanyard/contracts/presence';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { canonicalName } from '../kernel/names.ts';
import { isUniqueViolation } from '../kernel/postgres-errors.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { Db, Executor } from '../storage/db.ts';
import { effectiveList, microphonePromptNeeded, needsPresenceList, presenceListGuards, starterList, type EffectiveList, type PresenceReasonList } from './presence.ts';
import {
  assignList,
  countAssigned,
  countAssignedPerList,
  deleteList,
  findAssignedListId,
  findDefaultList,
  findList,
  findListsOfMember,
  findMicrophone,
  insertList,
  listLists,
  setDefaultList,
  updateList,
  upsertMicrophone,
} from './presence-repo.ts';

export type PresenceReasonListWithCount = PresenceReasonList & { assignedCount: number };

/** Presence reason lists (Administration › Presence reason lists), the list each member works with, and the microphone outcome per user. */
export interface PresenceService {
  /** The tenant's lists, by name, each with how many members are assigned it. */
  listLists(tenantId: string): Promise<PresenceReasonListWithCount[]>;
  /** One list of the tenant: PRESENCE_REASON_LIST_NOT_FOUND (also for another tenant's). */
  getList(tenantId: string, listId: string): Promise<PresenceReasonListWithCount>;
  /** Creates a list: PRESENCE_REASON_LIST_NAME_TAKEN. Audited. */
  createList(actor: Principal, body: CreatePresenceReasonListBody, meta: RequestMeta): Promise<PresenceReasonListWithCount>;
  /** Renames a list and/or replaces its reasons: PRESENCE_REASON_LIST_NOT_FOUND, PRESENCE_REASON_LIST_NAME_TAKEN. Audited with before and after. */
  updateList(actor: Principal, listId: string, body: UpdatePresenceReasonListBody, meta: RequestMeta): Promise<PresenceReasonListWithCount>;
  /** Deletes a list: PRESENCE_REASON_LIST_NOT_FOUND, PRESENCE_REASON_LIST_IS_DEFAULT, PRESENCE_REASON_LIST_IN_USE (details.assignedCount). Audited. */
  deleteList(actor: Principal, listId: string, meta: RequestMeta): Promise<void>;
  /** Makes a list the tenant default, or none (null): PRESENCE_REASON_LIST_NOT_FOUND. Audited. */
  setDefault(actor: Principal, listId: string | null, meta: RequestMeta): Promise<void>;
  /** A new tenant's starter list (Break, Lunch, Training, Meeting), its default; in the tenant's creating transaction. */
  createStarterList(tenantId: string, executor: Executor): Promise<void>;
  /**
   * Assigns a member their own list (null: the tenant default applies), in the caller's transaction, audited there; answers whether
   * anything changed. PRESENCE_REASON_LIST_NOT_FOUND. The list row is share-locked, so a concurrent delete waits and then sees it assigned.
   */
  assignList(actor: Principal, userId: string, listId: string | null, meta: RequestMeta, trx: Executor): Promise<boolean>;
  /** The list the member works with: their own, else the tenant default, else none. */
  effectiveListOf(tenantId: string, userId: string, executor?: Executor): Promise<EffectiveList>;
  /** Whether a member with these permissions may act in the tenant: false only for presence.use without any list (SPEC §3.2), never for a holder of security.policies.manage. */
  mayUsePresence(tenantId: string, userId: string, permissions: Iterable<string>, executor?: Executor): Promise<boolean>;
  /** The microphone outcome last recorded for the user, and whether the console should ask. */
  microphone(userId: string, permissions: Iterable<string>): Promise<MicrophoneState>;
  /** Records what the browser answered (allowed, blocked, no device); audited. */
  recordMicrophone(actor: Principal, outcome: MicrophoneOutcome, meta: RequestMeta): Promise<MicrophoneState>;
}

export function createPresenceService(deps: { db: Db; clock: Clock; audit: Pick<AuditService, 'record'> }): PresenceService {
  const notFound = (listId: string) => new AppError('PRESENCE_REASON_LIST_NOT_FOUND', { details: { presenceReasonListId: listId } });
  const nameTaken = (error: unknown, name: string): unknown => (isUniqueViolation(error) ? new AppError('PRESENCE_REASON_LIST_NAME_TAKEN', { details: { name } }) : error);

  const getList = async (tenantId: string, listId: string, executor: Executor = deps.db): Promise<PresenceReasonListWithCount> => {
    const list = await findList(executor, tenantId, listId);
    if (list === undefined) throw notFound(listId);
    return { ...list, assignedCount: await countAssigned(executor, tenantId, listId) };
  };

  const audit = (executor: Executor, actor: Principal, meta: RequestMeta, action: string, targetId: string | undefined, details: Record<string, unknown>) =>
    deps.audit.record(executor, { tenantId: actor.tenantId, actorUserId: actor.userId, action, result: 'success', targetType: 'presenceReasonList', targetId, ip: meta.ip, details });

  const microphoneState = async (userId: string, permissions: Iterable<string>, executor: Executor = deps.db): Promise<MicrophoneState> => {
    const record = await findMicrophone(executor, userId);
    return { outcome: record?.outcome ?? null, recordedAt: record?.recordedAt.toISOString() ?? null, promptNeeded: microphonePromptNeeded(needsPresenceList(permissions), record) };
  };

  const effectiveListOf = async (tenantId: string, userId: string, executor: Executor = deps.db): Promise<EffectiveList> => {
    const { own, tenantDefault } = await findListsOfMember(executor, tenantId, userId);
    return effectiveList(own, tenantDefault);
  };

  return {
    async listLists(tenantId) {
      const [lists, counts] = await Promise.all([listLists(deps.db, tenantId), countAssignedPerList(deps.db, tenantId)]);
      return lists.map((list) => ({ ...list, assignedCount: counts.get(list.id) ?? 0 }));
    },

    getList: (tenantId, listId) => getList(tenantId, listId),

    async createList(actor, body, meta) {
      const createdAt = deps.clock.now();
      const list: PresenceReasonList = { id: newId(createdAt.getTime()), tenantId: actor.tenantId, name: body.name, reasons: body.reasons, isDefault: false, createdAt };
      try {
        await deps.db.transaction().execute(async (trx) => {
          await insertList(trx, { ...list, nameCanonical: canonicalName(list.name) });
          await audit(trx, actor, meta, 'presence.list.created', list.id, { name: list.name, reasons: list.reasons.map((reason) => reason.label) });
        });
      } catch (error) {
        throw nameTaken(error, body.name);
      }
      return { ...list, assignedCount: 0 };
    },

    async updateList(actor, listId, body, meta) {
      try {
        return await deps.db.transaction().execute(async (trx) => {
          const list = await findList(trx, actor.tenantId, listId, 'update');
          if (list === undefined) throw notFound(listId);
          const name = body.name ?? list.name;
          const reasons = body.reasons ?? list.reasons;
          const renamed = name !== list.name;
          const reasonsChanged = JSON.stringify(reasons) !== JSON.stringify(list.reasons);
          if (renamed || reasonsChanged) {
            await updateList(trx, actor.tenantId, listId, { ...(renamed ? { name, nameCanonical: canonicalName(name) } : {}), ...(reasonsChanged ? { reasons } : {}) });
            await audit(trx, actor, meta, 'presence.list.updated', listId, {
              before: { name: list.name, reasons: list.reasons.map((reason) => reason.label) },
              after: { name, reasons: reasons.map((reason) => reason.label) },
            });
          }
          return { ...list, name, reasons, assignedCount: await countAssigned(trx, actor.tenantId, listId) };
        });
      } catch (error) {
        throw nameTaken(error, body.name ?? '');
      }
    },

    async deleteList(actor, listId, meta) {
      await deps.db.transaction().execute(async (trx) => {
        const list = await findList(trx, actor.tenantId, listId, 'update');
        if (list === undefined) throw notFound(listId);
        if (list.isDefault) throw new AppError('PRESENCE_REASON_LIST_IS_DEFAULT', { details: { presenceReasonListId: listId } });
        const assignedCount = await countAssigned(trx, actor.tenantId, listId);
        if (assignedCount > 0) throw new AppError('PRESENCE_REASON_LIST_IN_USE', { details: { presenceReasonListId: listId, assignedCount } });
        await deleteList(trx, actor.tenantId, listId);
        await audit(trx, actor, meta, 'presence.list.deleted', listId, { name: list.name });
      });
    },

    async setDefault(actor, listId, meta) {
      await deps.db.transaction().execute(async (trx) => {
        const current = await findDefaultList(trx, actor.tenantId);
        if (listId !== null && (await findList(trx, actor.tenantId, listId, 'update')) === undefined) throw notFound(listId);
        if ((current?.id ?? null) === listId) return;
        await setDefaultList(trx, actor.tenantId, listId);
        await audit(trx, actor, meta, 'presence.list.default.changed', listId ?? undefined, { from: current?.id ?? null, to: listId });
      });
    },

    async createStarterList(tenantId, executor) {
      const createdAt = deps.clock.now();
      await insertList(executor, {
        id: newId(createdAt.getTime()),
        tenantId,
        name: starterList.name,
        nameCanonical: canonicalName(starterList.name),
        reasons: starterList.reasons.map((reason) => ({ label: reason.label })),
        isDefault: true,
        createdAt,
      });
    },

    async assignList(actor, userId, listId, meta, trx) {
      const current = await findAssignedListId(trx, actor.tenantId, userId);
      if (current === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
      if (listId !== null && (await findList(trx, actor.tenantId, listId, 'share')) === undefined) throw notFound(listId);
      if (current === listId) return false;
      await assignList(trx, actor.tenantId, userId, listId);
      await deps.audit.record(trx, {
        tenantId: actor.tenantId,
        actorUserId: actor.userId,
        action: 'user.presenceList.changed',
        result: 'success',
        targetType: 'user',
        targetId: userId,
        ip: meta.ip,
        details: { fromListId: current, toListId: listId },
      });
      return true;
    },

    effectiveListOf,

    async mayUsePresence(tenantId, userId, permissions, executor = deps.db) {
      if (!presenceListGuards(permissions)) return true;
      return (await effectiveListOf(tenantId, userId, executor)) !== null;
    },

    microphone: (userId, permissions) => microphoneState(userId, permissions),

    async recordMicrophone(actor, outcome, meta) {
      return deps.db.transaction().execute(async (trx) => {
        await upsertMicrophone(trx, actor.userId, outcome, deps.clock.now());
        await deps.audit.record(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'user.microphone.recorded', result: 'success', targetType: 'user', targetId: actor.userId, ip: meta.ip, details: { outcome } });
        return microphoneState(actor.userId, actor.permissions, trx);
      });
    },
  };
}
