import type { RouteHandlerMethod } from 'fastify';
import type { App } from './fastify-types.ts';

/**
 * Graceful shutdown waits for every running handler, not only for open sockets: a client that hangs up
 * mid-request closes its socket while its handler is still using the database and the hash pool.
 * Must be registered before any route.
 */
export function trackInFlightHandlers(app: App, maxWaitMs = 10_000): void {
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = async function tracked(this: ThisParameterType<RouteHandlerMethod>, request, reply) {
      inFlight += 1;
      try {
        return await handler.call(this, request, reply);
      } finally {
        inFlight -= 1;
        if (inFlight === 0) onIdle?.();
      }
    };
  });
  // onClose runs once the server has stopped accepting requests.
  app.addHook('onClose', async () => {
    if (inFlight === 0) return;
    await new Promise<void>((resolve) => {
      onIdle = resolve;
      setTimeout(resolve, maxWaitMs).unref();
    });
  });
}
