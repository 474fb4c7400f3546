import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Principal } from '../kernel/principal.ts';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route stays usable by a session that must change its password first. */
    allowDuringPasswordChange?: boolean;
  }
  interface FastifyRequest {
    /** Set by the authentication guard on routes that require sign-in (it runs in onRequest: see runGuardsFirst). */
    principal: Principal | undefined;
  }
}
