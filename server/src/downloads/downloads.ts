import { AppError } from '../errors/app-error.ts';

/** One entry of Support and Downloads (SPEC §3.8): an application of the tenant, with its file once uploaded. */
export interface DownloadRecord {
  id: string;
  tenantId: string;
  name: string;
  version: string;
  platform: string;
  /** The name the file is saved as (Content-Disposition); never a path. */
  fileName: string;
  instructionsUrl: string | null;
  /** Both null until a file is uploaded. */
  file: { sizeBytes: number; sha256: string } | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Characters no saved file name may hold on any platform, and names that mean a folder. */
// eslint-disable-next-line no-control-regex -- control characters are among those refused
const forbidden = /[/\\:*?"<>|\u0000-\u001f\u007f]/u;

/** A plain file name, or DOWNLOAD_FILE_NAME_INVALID: no folder (`/`, `\`), no `..`, no leading dot, nothing Windows refuses. */
export function validFileName(value: string): string {
  const name = value.trim();
  if (name === '' || name === '.' || name === '..' || name.includes('..') || name.startsWith('.') || forbidden.test(name) || name.length > 200) {
    throw new AppError('DOWNLOAD_FILE_NAME_INVALID', { details: { fileName: value } });
  }
  return name;
}

/** The default file name of an entry: its name and version, with every character a file name cannot hold made a hyphen. */
export function defaultFileName(name: string, version: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are among those replaced
  const base = `${name}-${version}`.replace(/[/\\:*?"<>|\s\u0000-\u001f\u007f]+/gu, '-').replace(/\.{2,}/gu, '.').replace(/^[.-]+|[.-]+$/gu, '');
  return base === '' ? 'download' : base.slice(0, 200);
}

/** `attachment` with an ASCII fallback and the exact name in RFC 8187 form (`filename*`). */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/gu, '_').replace(/["\\%]/gu, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/gu, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** The strong validator of a file: its SHA-256. */
export function etagOf(sha256: string): string {
  return `"${sha256}"`;
}

/** Whether an If-None-Match header names the file (a list, weak validators and `*` included). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const value = candidate.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}

export type RangeDecision = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * One `Range: bytes=…` against a file of `size` bytes (RFC 9110 §14): `a-b`, `a-` and `-n` are served; a
 * header that is not a single byte range is ignored (the whole file); a range beyond the end is unsatisfiable.
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  const match = /^bytes=(\d*)-(\d*)$/u.exec(header.trim());
  if (match === null) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  if (last !== '' && Number(last) < start) return { kind: 'full' };
  return { kind: 'partial', start, end };
}
