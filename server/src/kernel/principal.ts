import type { Permission } from '@lanyard/contracts/permissions';

/** Who is making a request, resolved by http/authentication from a session cookie (or, later, a bearer token). */
export interface Principal {
  kind: 'session';
  userId: string;
  tenantId: string;
  sessionId: string;
  roleId: string;
  permissions: ReadonlySet<Permission>;
  /** The password expired or breaks a tightened policy: only changing it (and signing out) is allowed. */
  passwordChangeRequired: boolean;
}
