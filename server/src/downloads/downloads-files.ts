import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { AppError } from '../errors/app-error.ts';

/**
 * The files of Support and Downloads in one directory (LANYARD_DOWNLOADS_DIR; shared by every instance when
 * there are several). A file is named by its download's id and SHA-256 only, never by anything a person
 * typed, so no name can reach outside the directory; an upload goes to a temporary file first and is renamed
 * into place complete, so a reader never sees half a file and a concurrent upload never replaces the file
 * another entry's row names.
 */
export interface DownloadFiles {
  /** Streams `body` to storage, hashing on the way; DOWNLOAD_TOO_LARGE (nothing kept) past `maxBytes`. */
  write(id: string, body: Readable, maxBytes: number): Promise<{ sizeBytes: number; sha256: string }>;
  /** A stream of the stored file (bytes `start`–`end` inclusive when given); DOWNLOAD_FILE_MISSING when it is gone. */
  open(id: string, sha256: string, range?: { start: number; end: number }): Promise<ReadStream>;
  remove(id: string, sha256: string): Promise<void>;
}

const idPattern = /^[0-9a-f-]{36}$/u;
const shaPattern = /^[0-9a-f]{64}$/u;

export function createDownloadFiles(directory: string): DownloadFiles {
  const fileOf = (id: string, sha256: string): string => {
    // Belt and braces: ids are UUIDs and hashes hex by construction; nothing else ever names a file here.
    if (!idPattern.test(id) || !shaPattern.test(sha256)) throw new AppError('DOWNLOAD_NOT_FOUND');
    return path.join(directory, `${id}-${sha256}`);
  };

  return {
    async write(id, body, maxBytes) {
      await mkdir(directory, { recursive: true });
      const temporary = path.join(directory, `.upload-${randomBytes(12).toString('hex')}`);
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (size > maxBytes) {
            done(new AppError('DOWNLOAD_TOO_LARGE', { details: { maxBytes } }));
            return;
          }
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        await copyWithoutDestroying(body, meter, createWriteStream(temporary, { flags: 'wx' }));
        const sha256 = hash.digest('hex');
        await rename(temporary, fileOf(id, sha256));
        return { sizeBytes: size, sha256 };
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },

    async open(id, sha256, range) {
      const file = fileOf(id, sha256);
      try {
        await stat(file);
      } catch {
        throw new AppError('DOWNLOAD_FILE_MISSING');
      }
      return createReadStream(file, range === undefined ? {} : { start: range.start, end: range.end });
    },

    async remove(id, sha256) {
      await rm(fileOf(id, sha256), { force: true });
    },
  };
}

/**
 * `body` → `meter` → `file`, resolved once the file is written. On a failure (the limit, a disk error) the
 * request body is left paused, not destroyed, so the answer (413) still reaches the client before the
 * connection closes; a client that goes away fails the copy.
 */
function copyWithoutDestroying(body: Readable, meter: Transform, file: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let ended = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      body.unpipe(meter);
      body.pause();
      meter.destroy();
      file.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    body.on('end', () => {
      ended = true;
    });
    body.on('error', fail);
    body.on('close', () => {
      if (!ended) fail(new Error('the upload was aborted'));
    });
    meter.on('error', fail);
    file.on('error', fail);
    file.on('finish', () => {
      if (settled) return;
      settled = true;
      resolve();
    });
    body.pipe(meter).pipe(file);
  });
}
