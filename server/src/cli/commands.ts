import { accessKeyTokenBodySchema, inviteUserBodySchema } from '@lanyard/contracts/api';
import { tenantNameSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import type { Deps } from '../deps.ts';

/**
 * The `lanyard` commands that change or read the directory, as data: the CLI runs them on its own
 * services, or (embedded mode, beside a running server) hands them to the server over its control
 * channel, which runs them on the server's services. Both paths validate with this one schema and print
 * what `executeCommand` returns.
 */
export const commandRequestSchema = z.discriminatedUnion('command', [
  z.strictObject({ command: z.literal('tenant create'), name: tenantNameSchema }),
  z.strictObject({
    command: z.literal('user invite'),
    tenant: z.string().min(1).max(200),
    role: z.string().min(1).max(200),
    user: inviteUserBodySchema.omit({ roleId: true, teamId: true }),
  }),
  z.strictObject({ command: z.literal('token'), key: accessKeyTokenBodySchema }),
  z.strictObject({ command: z.literal('signing-keys rotate') }),
]);
export type CommandRequest = z.infer<typeof commandRequestSchema>;

/** What the command prints: `stdout` is the result scripts capture, `stderr` a note for the person. */
export interface CommandOutput {
  stdout: string;
  stderr?: string | undefined;
}

export async function executeCommand(deps: Deps, request: CommandRequest): Promise<CommandOutput> {
  switch (request.command) {
    case 'tenant create': {
      const tenant = await deps.tenants.createTenant(request.name);
      return { stdout: `Created tenant "${tenant.name}" (${tenant.id}) in region ${tenant.homeRegion}.\n` };
    }
    case 'user invite': {
      const tenant = await deps.tenants.getTenantByName(request.tenant);
      const role = await deps.roles.getRoleByName(tenant.id, request.role);
      const issued = await deps.invitations.inviteUser(tenant.id, { ...request.user, roleId: role.id });
      return {
        stdout: `Invited ${issued.user.username} <${issued.user.email}>. First-access link (valid until ${issued.invitation.expiresAt.toISOString()}):\n${issued.url}\n`,
      };
    }
    case 'token': {
      const answer = await deps.tokens.issue(request.key.accessKeyId, request.key.accessKeySecret, { ip: undefined });
      // Only the token on stdout, so scripts can capture it: TOKEN=$(lanyard token).
      return { stdout: `${answer.access_token}\n`, stderr: `Token valid for ${answer.expires_in} s.\n` };
    }
    case 'signing-keys rotate': {
      await deps.signingKeys.ensureKey();
      const rotated = await deps.signingKeys.rotate();
      return {
        stdout: `New signing key ${rotated.kid} signs from now on.${rotated.previous.length > 0 ? ` Still published until their tokens expire: ${rotated.previous.join(', ')}.` : ''}\n`,
      };
    }
  }
}
