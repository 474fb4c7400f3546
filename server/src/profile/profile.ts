import type { Me } from '@lanyard/contracts/api';
import type { Tenant } from '../tenants/tenants.ts';
import type { Membership, User } from '../users/users.ts';

/** What GET /me says of the member, before the principal's permissions and the system facts are added. */
export type ProfileFacts = Pick<Me, 'user' | 'tenant' | 'role' | 'team'>;

/** The member's profile facts, from their user, membership and tenant records (nothing secret: no hash, no status). */
export function profileFactsOf(user: User, membership: Membership, tenant: Tenant): ProfileFacts {
  return {
    user: { id: user.id, username: user.username, email: user.email, firstName: user.firstName, lastName: user.lastName },
    tenant: { id: tenant.id, name: tenant.name, region: tenant.homeRegion },
    role: { id: membership.role.id, name: membership.role.name },
    team: membership.team,
  };
}

/** The GET /me answer: the facts, the principal's permissions sorted, and the deployment's version and region. */
export function meOf(facts: ProfileFacts, permissions: ReadonlySet<string>, system: Me['system'], passwordChangeRequired: boolean): Me {
  return { ...facts, permissions: [...permissions].sort(), system, passwordChangeRequired };
}
