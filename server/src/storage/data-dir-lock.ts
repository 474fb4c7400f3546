import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * One process at a time owns an embedded data directory: PGlite is a single-process database, and two
 * processes writing one directory lose each other's changes. The owner holds `lanyard.lock`, a file
 * created atomically (written under a temporary name, then hard-linked into place, which fails if the
 * file exists) that names its pid. A lock whose pid no longer runs (a crashed holder) is taken over.
 * See docs/adr/0005-data-directory-lock.md.
 */

export type LockHolderKind = 'server' | 'command';

export interface LockHolder {
  pid: number;
  kind: LockHolderKind;
  /** The server's control socket, when it accepts forwarded commands (cli/control-channel.ts). */
  socket?: string;
  /** Random per acquisition: tells this holder's file apart from a later one with the same pid. */
  token: string;
  /** Linux: the boot and the process start time, so a pid reused after a crash or reboot is not mistaken for the holder. */
  bootId?: string;
  startTicks?: string;
  acquiredAt: string;
}

export interface DataDirLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Records the control socket in the lock file, for commands started beside the server. */
  announceSocket(socket: string): Promise<void>;
  /** Removes the lock file if it is still this holder's. Safe to call more than once, and from an 'exit' handler. */
  release(): void;
}

export type LockAttempt = { acquired: true; lock: DataDirLock } | { acquired: false; holder: LockHolder; file: string };

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      holder.kind === 'server'
        ? `The data directory ${dataDir} is in use by a Lanyard server (pid ${holder.pid}). Stop it first, or set LANYARD_DATA_DIR to another directory.`
        : `The data directory ${dataDir} is in use by a lanyard command (pid ${holder.pid}). Run this again when it has finished.`,
    );
    this.name = 'DataDirInUseError';
  }
}

export const lockFileName = 'lanyard.lock';

function readProcFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may contain spaces). */
function startTicksOf(pid: number): string | undefined {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

const bootId = readProcFile('/proc/sys/kernel/random/boot_id')?.trim();

/** Whether the process named by a lock file still runs (and is the same process, where Linux tells). */
export function holderIsAlive(holder: LockHolder): boolean {
  if (holder.pid === process.pid) return false; // a restarted container often gets the pid its crashed predecessor had
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.bootId !== undefined && bootId !== undefined && holder.bootId !== bootId) return false;
  if (holder.startTicks !== undefined) {
    const now = startTicksOf(holder.pid);
    if (now !== undefined && now !== holder.startTicks) return false;
  }
  return true;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    return typeof value.pid === 'number' && typeof value.token === 'string' && (value.kind === 'server' || value.kind === 'command')
      ? (value as LockHolder)
      : undefined;
  } catch {
    return undefined;
  }
}

async function readHolder(file: string): Promise<LockHolder | 'missing' | 'unreadable'> {
  try {
    return parseHolder(await readFile(file, 'utf8')) ?? 'unreadable';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/** Reads who holds the data directory, if anyone alive does. */
export async function currentHolder(dataDir: string): Promise<LockHolder | undefined> {
  const holder = await readHolder(path.join(dataDir, lockFileName));
  return typeof holder === 'object' && holderIsAlive(holder) ? holder : undefined;
}

async function writeAtomically(file: string, holder: LockHolder): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, `${JSON.stringify(holder)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

/**
 * Removes a stale lock file. It is first renamed to a name of our own, so of several processes taking
 * over at once only one gets it; if what we renamed is not the stale file we read (another process took
 * over meanwhile), it is put back.
 */
async function removeStale(file: string, stale: LockHolder | 'unreadable'): Promise<void> {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readHolder(aside);
  const same = stale === 'unreadable' ? moved === 'unreadable' : typeof moved === 'object' && moved.token === stale.token;
  if (!same) await link(aside, file).catch(() => {});
  await unlink(aside).catch(() => {});
}

/** Takes the data directory's lock, or says who holds it. Never waits. */
export async function tryLockDataDir(dataDir: string, kind: LockHolderKind): Promise<LockAttempt> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, lockFileName);
  const startTicks = startTicksOf(process.pid);
  let holder: LockHolder = {
    pid: process.pid,
    kind,
    token: randomBytes(16).toString('hex'),
    ...(bootId === undefined ? {} : { bootId }),
    ...(startTicks === undefined ? {} : { startTicks }),
    acquiredAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (await writeAtomically(file, holder)) {
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        try {
          const onDisk = parseHolder(readFileSync(file, 'utf8'));
          if (onDisk?.token === holder.token) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      const lock: DataDirLock = {
        file,
        get holder() {
          return holder;
        },
        async announceSocket(socket) {
          holder = { ...holder, socket };
          // Replace atomically (rename over the file): a reader sees the old or the new content, never half.
          const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
          await writeFile(temporary, `${JSON.stringify(holder)}\n`, { mode: 0o600, flag: 'wx' });
          await rename(temporary, file);
        },
        release,
      };
      return { acquired: true, lock };
    }
    const existing = await readHolder(file);
    if (existing === 'missing') continue;
    if (existing !== 'unreadable' && holderIsAlive(existing)) return { acquired: false, holder: existing, file };
    await removeStale(file, existing);
  }
  throw new Error(`Could not take the lock ${file}: it kept changing hands`);
}

/** Takes the lock or throws DataDirInUseError naming the holder. */
export async function lockDataDir(dataDir: string, kind: LockHolderKind): Promise<DataDirLock> {
  const attempt = await tryLockDataDir(dataDir, kind);
  if (!attempt.acquired) throw new DataDirInUseError(dataDir, attempt.holder);
  return attempt.lock;
}
