import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.ts';

/**
 * Admission control for routes that spend argon2 work (sign-in, first access, change and reset password).
 * At most `capacity` such requests are in flight per process — as many as the hash pool runs plus queues —
 * so excess is refused with 503 + Retry-After before any work is done, and admitted requests never wait
 * behind an unbounded queue.
 */
export function createAdmissionGate(capacity: number) {
  let inFlight = 0;
  const admitted = new WeakSet<FastifyRequest>();
  const leave = async (request: FastifyRequest): Promise<void> => {
    if (admitted.delete(request)) inFlight -= 1;
  };
  return {
    enter: async (request: FastifyRequest): Promise<void> => {
      if (inFlight >= capacity) throw new AppError('SERVICE_OVERLOADED', { headers: { 'retry-after': '1' } });
      inFlight += 1;
      admitted.add(request);
    },
    leave,
    inFlight: () => inFlight,
  };
}

export type AdmissionGate = ReturnType<typeof createAdmissionGate>;

/**
 * Route options that put a route behind the gate. The slot is given back in onSend, before the answer
 * is written: a client that sends its next request the moment it reads the answer must find the slot
 * free again (onResponse would run after the client already has the answer, so steady load at exactly
 * the capacity would be shed). onResponse and onRequestAbort cover paths that never reach onSend.
 */
export function behind(gate: AdmissionGate) {
  const leave = async (request: FastifyRequest): Promise<void> => gate.leave(request);
  return { onSend: leave, onResponse: leave, onRequestAbort: leave };
}
