import { chmod, mkdir, unlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors/app-error.ts';
import { commandRequestSchema, executeCommand, type CommandRequest } from './commands.ts';

/**
 * The control channel of an embedded-mode server: a Unix domain socket inside the data directory
 * (`run/control.sock`; the directory is 0700 and the socket 0600, so only the data directory's owner
 * can connect). A `lanyard` command started while the server owns the data directory sends its one
 * request here instead of opening the database a second time; the server runs it on its own services.
 * One JSON line in (a CommandRequest, validated again here), one JSON line out, then the connection ends.
 * It accepts nothing else.
 */

const maxRequestBytes = 64 * 1024;
const idleTimeoutMs = 30_000;
/** Linux and macOS limit a socket path to 108 and 104 bytes (with the terminating NUL). */
const maxSocketPathBytes = 103;

export const controlAnswerSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), output: z.object({ stdout: z.string(), stderr: z.string().optional() }) }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }) }),
]);
export type ControlAnswer = z.infer<typeof controlAnswerSchema>;

export function controlSocketPath(dataDir: string): string {
  return path.join(dataDir, 'run', 'control.sock');
}

/**
 * Makes the socket's directory owner-only and removes a socket left by a crashed server (the caller holds
 * the data directory's lock, so no live server uses it). Undefined when the path is too long for a socket.
 */
export async function prepareControlSocket(dataDir: string): Promise<string | undefined> {
  const socket = controlSocketPath(dataDir);
  if (Buffer.byteLength(socket) > maxSocketPathBytes) return undefined;
  await mkdir(path.dirname(socket), { recursive: true, mode: 0o700 });
  await chmod(path.dirname(socket), 0o700);
  await unlink(socket).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  return socket;
}

async function answer(deps: Deps, line: string): Promise<ControlAnswer> {
  let request: CommandRequest;
  try {
    const parsed = commandRequestSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new AppError('VALIDATION_FAILED', { details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) } });
    request = parsed.data;
  } catch (error) {
    const refused = error instanceof AppError ? error : new AppError('MALFORMED_JSON');
    return { ok: false, error: { code: refused.code, message: refused.message, details: refused.details } };
  }
  try {
    // The command's name only: a token request carries an access key secret.
    deps.logger.info({ command: request.command }, 'running a lanyard command sent over the control channel');
    return { ok: true, output: await executeCommand(deps, request) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
    deps.logger.error({ err: error, command: request.command }, 'a lanyard command sent over the control channel failed');
    const internal = new AppError('INTERNAL');
    return { ok: false, error: { code: internal.code, message: internal.message } };
  }
}

/** The server side; main.ts listens on the path from prepareControlSocket and closes it at shutdown. */
export function createControlServer(deps: Deps): net.Server {
  const server = net.createServer((connection) => {
    connection.setTimeout(idleTimeoutMs, () => connection.destroy());
    let buffered = '';
    let handled = false;
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => {
      if (handled) return;
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0) {
        if (Buffer.byteLength(buffered) > maxRequestBytes) connection.destroy();
        return;
      }
      handled = true;
      void answer(deps, buffered.slice(0, end)).then((reply) => connection.end(`${JSON.stringify(reply)}\n`));
    });
    connection.on('error', () => connection.destroy());
  });
  return server;
}

/** The CLI side: sends one request and reads the answer. Rejects with the socket error if it cannot connect. */
export async function sendCommand(socket: string, request: CommandRequest, timeoutMs = 120_000): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const connection = net.createConnection(socket);
    let received = '';
    connection.setEncoding('utf8');
    connection.setTimeout(timeoutMs, () => connection.destroy(new Error(`the server did not answer within ${timeoutMs / 1000} s`)));
    connection.on('connect', () => connection.write(`${JSON.stringify(request)}\n`));
    connection.on('data', (chunk: string) => {
      received += chunk;
    });
    connection.on('error', reject);
    connection.on('end', () => {
      try {
        resolve(controlAnswerSchema.parse(JSON.parse(received.trim())));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
