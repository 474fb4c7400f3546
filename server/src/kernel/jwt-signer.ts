import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { signingInputOf, type JwtClaims } from './jwt.ts';

export interface JwtSigner {
  /** A compact ES256 JWS of the claims, signed off the event loop. */
  sign(claims: JwtClaims, key: { kid: string; privateKey: KeyObject }, typ?: string): Promise<string>;
  close(): Promise<void>;
}

interface Waiting {
  signingInput: string;
  resolve(token: string): void;
  reject(error: Error): void;
}

interface WorkerReply {
  batch: number;
  signatures?: string[];
  error?: string;
}

/**
 * ES256 signing on one dedicated thread (~30 µs of ECDSA per token). The event loop builds the signing
 * input and hands it over; requests that arrive in the same turn of the loop go over as one message, so
 * a busy token endpoint pays one thread hand-off per batch, not per token, and the loop never runs the
 * curve arithmetic. Measured against signing on the loop and on libuv's pool in docs/benchmarks.md.
 */
export function createJwtSigner(): JwtSigner {
  let worker: Worker | undefined;
  /** Which private keys the current worker holds, by the number it knows them under. */
  let keyIds = new WeakMap<KeyObject, number>();
  let nextKeyId = 1;
  let nextBatch = 1;
  let closed = false;
  const inFlight = new Map<number, Waiting[]>();
  let batch: { keyIds: number[]; waiting: Waiting[] } | undefined;

  const failAll = (error: Error): void => {
    for (const waiting of inFlight.values()) for (const entry of waiting) entry.reject(error);
    inFlight.clear();
  };

  const start = (): Worker => {
    const started = new Worker(new URL('./jwt-sign-worker.mjs', import.meta.url));
    started.unref();
    started.on('message', (reply: WorkerReply) => {
      const waiting = inFlight.get(reply.batch) ?? [];
      inFlight.delete(reply.batch);
      waiting.forEach((entry, index) => {
        const signature = reply.signatures?.[index];
        if (signature === undefined) entry.reject(new Error(`token signing failed: ${reply.error ?? 'no signature'}`));
        else entry.resolve(`${entry.signingInput}.${signature}`);
      });
    });
    // A worker that dies takes its batches with it; the next token starts a new one (keys are sent again).
    const lost = (error: Error) => {
      if (worker !== started) return;
      worker = undefined;
      keyIds = new WeakMap();
      failAll(error);
    };
    started.on('error', lost);
    started.on('exit', (code) => lost(new Error(`token signing thread exited (${code})`)));
    return started;
  };

  const flush = (): void => {
    const current = batch;
    batch = undefined;
    if (current === undefined) return;
    const number = nextBatch++;
    inFlight.set(number, current.waiting);
    (worker ?? start()).postMessage({ batch: number, keyIds: current.keyIds, inputs: current.waiting.map((entry) => entry.signingInput) });
  };

  const keyIdFor = (privateKey: KeyObject): number => {
    let id = keyIds.get(privateKey);
    if (id === undefined) {
      id = nextKeyId++;
      keyIds.set(privateKey, id);
      worker ??= start();
      worker.postMessage({ type: 'key', id, privateKey });
    }
    return id;
  };

  return {
    sign(claims, key, typ = 'at+jwt') {
      if (closed) return Promise.reject(new Error('token signing has been shut down'));
      const signingInput = signingInputOf(claims, key.kid, typ);
      const keyId = keyIdFor(key.privateKey);
      return new Promise((resolve, reject) => {
        if (batch === undefined) {
          batch = { keyIds: [], waiting: [] };
          setImmediate(flush);
        }
        batch.keyIds.push(keyId);
        batch.waiting.push({ signingInput, resolve, reject });
      });
    },
    /** Called after the server stopped taking requests; anything still waiting is refused. */
    async close() {
      closed = true;
      const error = new Error('token signing has been shut down');
      for (const entry of batch?.waiting ?? []) entry.reject(error);
      batch = undefined;
      failAll(error);
      const current = worker;
      worker = undefined;
      await current?.terminate();
    },
  };
}
