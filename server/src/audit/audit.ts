/** Whether the recorded action happened (success) or was refused (failure). */
export type AuditResult = 'success' | 'failure';

/**
 * Security events Lanyard records. Stable strings: audit consumers filter on them, so they are only ever
 * added, never renamed.
 */
export const auditActions = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.logout',
  'auth.lockout',
  'user.unlocked',
  'user.invited',
  'invitation.resent',
  'invitation.accepted',
  'password.changed',
  'password.reset.requested',
  'password.reset.completed',
  'policy.changed',
  'accessKey.created',
  'accessKey.stateChanged',
  'accessKey.deleted',
  'token.issue.failed',
  'role.created',
  'role.updated',
  'role.deleted',
  'team.created',
  'team.renamed',
  'team.deleted',
  'auth.unlock.code.issued',
  'auth.unlock.code.used',
  'user.import.started',
  'user.import.finished',
  'audit.exported',
  'auth.login.secondStep',
  'mfa.enrolment.started',
  'mfa.enabled',
  'mfa.disabled',
  'mfa.reset',
  'mfa.recoveryCode.used',
  'mfa.recoveryCodes.regenerated',
  'mfa.replay.detected',
  'session.ended',
  'user.created',
  'user.role.changed',
  'user.team.changed',
  'user.disabled',
  'user.enabled',
  'user.passwordLogin.changed',
  'presence.list.created',
  'presence.list.updated',
  'presence.list.deleted',
  'presence.list.default.changed',
  'user.presenceList.changed',
  'user.microphone.recorded',
  'session.tenant.switched',
  'user.defaultTenant.changed',
  'user.membership.added',
  'user.membership.invited',
  'user.membership.declined',
  'account.updated',
  'email.change.requested',
  'email.changed',
  'download.created',
  'download.updated',
  'download.uploaded',
  'download.deleted',
  'identityProvider.created',
  'identityProvider.updated',
  'identityProvider.deleted',
  'identityProvider.tested',
  'identityLink.created',
  'identityLink.deleted',
] as const;

export type AuditAction = (typeof auditActions)[number];

export interface AuditEventInput {
  tenantId: string | null;
  actorUserId: string | null;
  action: AuditAction | (string & {});
  result: AuditResult;
  targetType?: string | undefined;
  targetId?: string | undefined;
  ip?: string | null | undefined;
  details?: Record<string, unknown> | undefined;
}

export interface AuditEvent {
  id: string;
  tenantId: string | null;
  actorUserId: string | null;
  action: string;
  result: AuditResult;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  occurredAt: Date;
}

/** The stored event for an input: what it leaves out is null (details: empty). */
export function auditEventOf(input: AuditEventInput, id: string, occurredAt: Date): AuditEvent {
  return {
    id,
    tenantId: input.tenantId,
    actorUserId: input.actorUserId,
    action: input.action,
    result: input.result,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    ip: input.ip ?? null,
    details: input.details ?? {},
    occurredAt,
  };
}
