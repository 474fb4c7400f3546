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

/**
 * `POST /api/v1/admin/users/memberships`: invite an existing account (by username or email) to join the administrator's tenant. The
 * answer is `202 {}` whether or not such an account exists (SPEC §3.12): the person joins only by accepting, signed in.
 */
export const addExistingUserBodySchema = z.strictObject({
  user: singleLine(254).trim().pipe(z.string().min(1)),
  roleId: idSchema,
  teamId: idSchema.nullable().optional(),
});

/** The answer to an invitation to join a tenant: always empty, so it tells nothing about the person. */
export const membershipInvitationSentSchema = z.strictObject({});

/** `GET /api/v1/me/membership-invitations`: a pending, unexpired invitation of the signed-in person to join another tenant. */
export const membershipInvitationSchema = z.object({
  id: idSchema,
  tenant: z.object({ id: idSchema, name: z.string() }),
  role: z.object({ id: idSchema, name: z.string() }),
  invitedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type MembershipInvitation = z.infer<typeof membershipInvitationSchema>;

export const membershipInvitationParamsSchema = z.strictObject({ invitationId: idSchema });

export type SwitchedTenant = z.infer<typeof switchedTenantSchema>;
