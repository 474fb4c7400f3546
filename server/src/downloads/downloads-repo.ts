import type { Executor } from '../storage/db.ts';
import type { DownloadRow } from '../storage/database.ts';
import type { DownloadRecord } from './downloads.ts';

function toRecord(row: DownloadRow): DownloadRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    version: row.version,
    platform: row.platform,
    fileName: row.file_name,
    instructionsUrl: row.instructions_url,
    file: row.size_bytes === null || row.sha256 === null ? null : { sizeBytes: Number(row.size_bytes), sha256: row.sha256 },
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertDownload(db: Executor, record: DownloadRecord): Promise<void> {
  await db
    .insertInto('downloads')
    .values({
      id: record.id,
      tenant_id: record.tenantId,
      name: record.name,
      version: record.version,
      platform: record.platform,
      file_name: record.fileName,
      instructions_url: record.instructionsUrl,
      size_bytes: null,
      sha256: null,
      created_by: record.createdBy,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    })
    .execute();
}

export async function listDownloads(db: Executor, tenantId: string): Promise<DownloadRecord[]> {
  const rows = await db.selectFrom('downloads').selectAll().where('tenant_id', '=', tenantId).orderBy('name').orderBy('version', 'desc').orderBy('id').execute();
  return rows.map(toRecord);
}

export async function findDownload(db: Executor, tenantId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<DownloadRecord | undefined> {
  let query = db.selectFrom('downloads').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (options.forUpdate === true) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function updateDownload(
  db: Executor,
  tenantId: string,
  id: string,
  change: Partial<Pick<DownloadRecord, 'name' | 'version' | 'platform' | 'fileName' | 'instructionsUrl' | 'file'>>,
  at: Date,
): Promise<DownloadRecord | undefined> {
  const row = await db
    .updateTable('downloads')
    .set({
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.version === undefined ? {} : { version: change.version }),
      ...(change.platform === undefined ? {} : { platform: change.platform }),
      ...(change.fileName === undefined ? {} : { file_name: change.fileName }),
      ...(change.instructionsUrl === undefined ? {} : { instructions_url: change.instructionsUrl }),
      ...(change.file === undefined ? {} : { size_bytes: change.file?.sizeBytes ?? null, sha256: change.file?.sha256 ?? null }),
      updated_at: at,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function deleteDownload(db: Executor, tenantId: string, id: string): Promise<DownloadRecord | undefined> {
  const row = await db.deleteFrom('downloads').where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}
