import { z } from 'zod';
import { emailSchema, idSchema, passwordInput, personNameSchema, usernameSchema } from './common.ts';
import { passwordPolicySchema } from './password-policy.ts';

/** Request and response shapes of the HTTP API, shared by the server (validation, OpenAPI) and the console. */

export const tenantRefSchema = z.object({ id: idSchema, name: z.string() });

// --- Invitations (first access) ---
export const invitationInfoSchema = z.object({
  username: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  tenant: tenantRefSchema,
  expiresAt: z.iso.datetime(),
  passwordPolicy: passwordPolicySchema,
});
export type InvitationInfo = z.infer<typeof invitationInfoSchema>;

export const acceptInvitationBodySchema = z.strictObject({ password: passwordInput });
export type AcceptInvitationBody = z.infer<typeof acceptInvitationBodySchema>;

// --- Sign-in ---
export const loginBodySchema = z.strictObject({
  username: z.string().min(1).max(254).refine((value) => !value.includes('\u0000')),
  password: passwordInput,
});
export type LoginBody = z.infer<typeof loginBodySchema>;

export const loginResponseSchema = z.object({
  mfaRequired: z.literal(false),
  tenant: tenantRefSchema,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

// --- Me ---
export const meSchema = z.object({
  user: z.object({
    id: idSchema,
    username: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
  }),
  tenant: z.object({ id: idSchema, name: z.string(), region: z.string() }),
  role: z.object({ id: idSchema, name: z.string() }),
  team: z.object({ id: idSchema, name: z.string() }).nullable(),
  permissions: z.array(z.string()),
  system: z.object({ version: z.string(), region: z.string() }),
});
export type Me = z.infer<typeof meSchema>;

// --- Administration ---
export const roleSchema = z.object({
  id: idSchema,
  name: z.string(),
  builtIn: z.boolean(),
  permissions: z.array(z.string()),
});
export type Role = z.infer<typeof roleSchema>;

export const teamSchema = z.object({ id: idSchema, name: z.string() });
export type Team = z.infer<typeof teamSchema>;

export const createTeamBodySchema = z.strictObject({ name: personNameSchema });

export const inviteUserBodySchema = z.strictObject({
  username: usernameSchema,
  email: emailSchema,
  firstName: personNameSchema,
  lastName: personNameSchema,
  roleId: idSchema,
  teamId: idSchema.nullable().optional(),
});
export type InviteUserBody = z.infer<typeof inviteUserBodySchema>;

export const invitationSummarySchema = z.object({
  id: idSchema,
  userId: idSchema,
  expiresAt: z.iso.datetime(),
});

export const inviteUserResponseSchema = z.object({
  user: z.object({ id: idSchema, username: z.string(), email: z.string(), status: z.string() }),
  invitation: invitationSummarySchema,
});
