import { z } from 'zod';
import { idSchema, singleLine } from './common.ts';

/** `GET /api/v1/me/tenants`: every tenant the person belongs to, the role they hold there, which one they land in, which one this session acts in. */
export const myTenantSchema = z.object({
  id: idSchema,
  name: z.string(),
  region: z.string(),
  role: z.object({ id: idSchema, name: z.string() }),
  isDefault: z.boolean(),
  current: z.boolean(),
});
export type MyTenant = z.infer<typeof myTenantSchema>;

export const tenantChoiceBodySchema = z.strictObject({ tenantId: idSchema });

/** `POST /api/v1/me/tenant`: the tenant the session acts in now. */
export const switchedTenantSchema = z.object({ tenant: z.object({ id: idSchema, name: z.string(), region: z.string() }), role: z.object({ id: idSchema, name: z.string() }) });

/** `POST /api/v1/admin/users/memberships`: give an existing user (by username or email) access to the administrator's tenant; no second account. */
export const addExistingUserBodySchema = z.strictObject({
  user: singleLine(254).trim().pipe(z.string().min(1)),
  roleId: idSchema,
  teamId: idSchema.nullable().optional(),
});

export const addedMemberSchema = z.object({ userId: idSchema, username: z.string(), role: z.object({ id: idSchema, name: z.string() }), team: z.object({ id: idSchema, name: z.string() }).nullable() });
export type SwitchedTenant = z.infer<typeof switchedTenantSchema>;
