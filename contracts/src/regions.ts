import { z } from 'zod';
import { idSchema } from './common.ts';

/** `GET /.well-known/lanyard-configuration?tenantId=`: where a tenant is served (SPEC §3.11, §4b). */
export const lanyardConfigurationSchema = z.object({
  tenantId: idSchema,
  region: z.string(),
  consoleUrl: z.url(),
  apiUrl: z.url(),
  tokenEndpoint: z.url(),
  jwksUri: z.url(),
});
export type LanyardConfiguration = z.infer<typeof lanyardConfigurationSchema>;

export const lanyardConfigurationQuerySchema = z.strictObject({
  tenantId: idSchema,
  /** `local`: answer only for a tenant of this deployment, without asking the peers (how peers ask each other). */
  scope: z.enum(['local', 'any']).default('any'),
});
