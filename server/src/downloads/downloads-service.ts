import type { DownloadCreate, DownloadPatch } from '@lanyard/contracts/account';
import type { ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { Db } from '../storage/db.ts';
import type { DownloadFiles } from './downloads-files.ts';
import { deleteDownload, findDownload, insertDownload, listDownloads, updateDownload } from './downloads-repo.ts';
import { defaultFileName, validFileName, type DownloadRecord } from './downloads.ts';

/** Support and Downloads (SPEC §3.8): the tenant's catalogue, its files streamed to and from storage. */
export interface DownloadsService {
  list(tenantId: string): Promise<DownloadRecord[]>;
  get(tenantId: string, id: string): Promise<DownloadRecord>;
  create(principal: Principal, input: DownloadCreate, meta: RequestMeta): Promise<DownloadRecord>;
  update(principal: Principal, id: string, patch: DownloadPatch, meta: RequestMeta): Promise<DownloadRecord>;
  remove(principal: Principal, id: string, meta: RequestMeta): Promise<void>;
  /** Streams the body to storage (SHA-256 on the way) and records it as the entry's file; DOWNLOAD_TOO_LARGE past the limit, nothing kept. */
  upload(principal: Principal, id: string, body: Readable, meta: RequestMeta): Promise<{ sizeBytes: number; sha256: string }>;
  /** The entry and a stream of its file (a byte range of it when given); DOWNLOAD_FILE_MISSING before any upload. */
  open(tenantId: string, record: DownloadRecord, range?: { start: number; end: number }): Promise<ReadStream>;
  /** The largest upload accepted. */
  maxBytes: number;
}

export function createDownloadsService(deps: { db: Db; clock: Clock; files: DownloadFiles; maxBytes: number; audit: Pick<AuditService, 'record'> }): DownloadsService {
  const get = async (tenantId: string, id: string): Promise<DownloadRecord> => {
    const record = await findDownload(deps.db, tenantId, id);
    if (record === undefined) throw new AppError('DOWNLOAD_NOT_FOUND');
    return record;
  };

  return {
    maxBytes: deps.maxBytes,
    list: (tenantId) => listDownloads(deps.db, tenantId),
    get,

    async create(principal, input, meta) {
      const fileName = input.fileName === undefined ? defaultFileName(input.name, input.version) : validFileName(input.fileName);
      const now = deps.clock.now();
      const record: DownloadRecord = {
        id: newId(now.getTime()),
        tenantId: principal.tenantId,
        name: input.name,
        version: input.version,
        platform: input.platform,
        fileName,
        instructionsUrl: input.instructionsUrl ?? null,
        file: null,
        createdBy: principal.userId,
        createdAt: now,
        updatedAt: now,
      };
      await deps.db.transaction().execute(async (trx) => {
        await insertDownload(trx, record);
        await deps.audit.record(trx, { tenantId: principal.tenantId, actorUserId: principal.userId, action: 'download.created', result: 'success', targetType: 'download', targetId: record.id, ip: meta.ip, details: { name: record.name, version: record.version, platform: record.platform } });
      });
      return record;
    },

    async update(principal, id, patch, meta) {
      const fileName = patch.fileName === undefined ? undefined : validFileName(patch.fileName);
      return deps.db.transaction().execute(async (trx) => {
        const updated = await updateDownload(
          trx,
          principal.tenantId,
          id,
          {
            ...(patch.name === undefined ? {} : { name: patch.name }),
            ...(patch.version === undefined ? {} : { version: patch.version }),
            ...(patch.platform === undefined ? {} : { platform: patch.platform }),
            ...(fileName === undefined ? {} : { fileName }),
            ...(patch.instructionsUrl === undefined ? {} : { instructionsUrl: patch.instructionsUrl }),
          },
          deps.clock.now(),
        );
        if (updated === undefined) throw new AppError('DOWNLOAD_NOT_FOUND');
        await deps.audit.record(trx, { tenantId: principal.tenantId, actorUserId: principal.userId, action: 'download.updated', result: 'success', targetType: 'download', targetId: id, ip: meta.ip, details: { fields: Object.keys(patch).sort() } });
        return updated;
      });
    },

    async remove(principal, id, meta) {
      const removed = await deps.db.transaction().execute(async (trx) => {
        const record = await deleteDownload(trx, principal.tenantId, id);
        if (record === undefined) throw new AppError('DOWNLOAD_NOT_FOUND');
        await deps.audit.record(trx, { tenantId: principal.tenantId, actorUserId: principal.userId, action: 'download.deleted', result: 'success', targetType: 'download', targetId: id, ip: meta.ip, details: { name: record.name, version: record.version } });
        return record;
      });
      if (removed.file !== null) await deps.files.remove(removed.id, removed.file.sha256);
    },

    async upload(principal, id, body, meta) {
      await get(principal.tenantId, id);
      const written = await deps.files.write(id, body, deps.maxBytes);
      let previous: DownloadRecord['file'] = null;
      try {
        await deps.db.transaction().execute(async (trx) => {
          const current = await findDownload(trx, principal.tenantId, id, { forUpdate: true });
          if (current === undefined) throw new AppError('DOWNLOAD_NOT_FOUND');
          previous = current.file;
          await updateDownload(trx, principal.tenantId, id, { file: written }, deps.clock.now());
          await deps.audit.record(trx, { tenantId: principal.tenantId, actorUserId: principal.userId, action: 'download.uploaded', result: 'success', targetType: 'download', targetId: id, ip: meta.ip, details: written });
        });
      } catch (error) {
        // The entry went away meanwhile: the file it would have named goes too.
        await deps.files.remove(id, written.sha256);
        throw error;
      }
      const replaced = previous as DownloadRecord['file'];
      if (replaced !== null && replaced.sha256 !== written.sha256) await deps.files.remove(id, replaced.sha256);
      return written;
    },

    async open(_tenantId, record, range) {
      if (record.file === null) throw new AppError('DOWNLOAD_FILE_MISSING');
      return deps.files.open(record.id, record.file.sha256, range);
    },
  };
}
