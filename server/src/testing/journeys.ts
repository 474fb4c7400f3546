import type { Role } from '../roles/roles.ts';
import type { Tenant } from '../tenants/tenants.ts';
import { strongPassword, type TestApp } from './test-app.ts';

/** Steps many tests share, driven through the public HTTP API wherever a person would use it. */

export interface SignedInUser {
  userId: string;
  username: string;
  tenant: Tenant;
  cookie: string;
  headers: { cookie: string; origin: string };
}

export function tokenFromLink(link: string): string {
  const token = link.split('/').pop();
  if (token === undefined) throw new Error(`no token in ${link}`);
  return token;
}

/** Accepts an invitation through the API with the given password and returns nothing; asserts 204. */
export async function acceptInvitation(t: TestApp, token: string, password = strongPassword): Promise<void> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/v1/invitations/${token}/accept`,
    headers: { origin: t.config.publicUrl.origin },
    payload: { password },
  });
  if (response.statusCode !== 204) throw new Error(`accept failed: ${response.statusCode} ${response.body}`);
}

export async function login(t: TestApp, username: string, password = strongPassword): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: t.config.publicUrl.origin },
    payload: { username, password },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((entry) => entry.name === 'lanyard_session');
  if (cookie === undefined) throw new Error('no session cookie');
  return `${cookie.name}=${cookie.value}`;
}

export async function roleNamed(t: TestApp, tenantId: string, name: string): Promise<Role> {
  return t.deps.roles.getRoleByName(tenantId, name);
}

/** Creates a tenant and a signed-in user in it with the given role (through invitation and first access). */
export async function signedInUser(
  t: TestApp,
  options: { tenantName?: string; tenant?: Tenant; username: string; role?: string; teamId?: string | null },
): Promise<SignedInUser> {
  const tenant = options.tenant ?? (await t.deps.tenants.createTenant(options.tenantName ?? `Tenant ${options.username}`));
  const role = await roleNamed(t, tenant.id, options.role ?? 'Administrator');
  const issued = await t.deps.invitations.inviteUser(tenant.id, {
    username: options.username,
    email: `${options.username}@example.test`,
    firstName: 'Gilbert',
    lastName: 'Blythe',
    roleId: role.id,
    teamId: options.teamId ?? null,
  });
  await acceptInvitation(t, tokenFromLink(issued.url));
  const cookie = await login(t, options.username);
  return { userId: issued.user.id, username: options.username, tenant, cookie, headers: { cookie, origin: t.config.publicUrl.origin } };
}

export interface CreatedKey {
  id: string;
  accessKeyId: string;
  accessKeySecret: string;
  state: string;
}

/** Adds an access key through My Profile's API as the signed-in user; asserts 201. */
export async function addAccessKey(t: TestApp, user: SignedInUser, body: Record<string, unknown> = {}): Promise<CreatedKey> {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/me/access-keys', headers: user.headers, payload: body });
  if (response.statusCode !== 201) throw new Error(`add access key failed: ${response.statusCode} ${response.body}`);
  return response.json<CreatedKey>();
}

/** Exchanges a key for a token through the JSON endpoint; returns the raw answer. */
export function exchangeAccessKey(t: Pick<TestApp, 'app'>, accessKeyId: string, accessKeySecret: string, remoteAddress?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/authentication/v1/token/access-key',
    payload: { accessKeyId, accessKeySecret },
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  });
}

/** A fresh access token for a key; asserts the exchange succeeded. */
export async function accessTokenFor(t: Pick<TestApp, 'app'>, key: Pick<CreatedKey, 'accessKeyId' | 'accessKeySecret'>): Promise<string> {
  const response = await exchangeAccessKey(t, key.accessKeyId, key.accessKeySecret);
  if (response.statusCode !== 200) throw new Error(`exchange failed: ${response.statusCode} ${response.body}`);
  return response.json<{ access_token: string }>().access_token;
}

/**
 * Puts an existing person in another tenant the way SPEC §3.12 allows: the tenant's administrator invites them with a role (202),
 * and they accept the invitation from their own session (204). Returns the invitation's id.
 */
export async function joinTenant(
  t: TestApp,
  admin: Pick<SignedInUser, 'headers' | 'tenant'>,
  person: Pick<SignedInUser, 'headers' | 'username'>,
  roleName: string,
  teamId: string | null = null,
): Promise<string> {
  const role = await roleNamed(t, admin.tenant.id, roleName);
  const invited = await t.app.inject({ method: 'POST', url: '/api/v1/admin/users/memberships', headers: admin.headers, payload: { user: person.username, roleId: role.id, teamId } });
  if (invited.statusCode !== 202) throw new Error(`invitation failed: ${invited.statusCode} ${invited.body}`);
  const pending = await t.app.inject({ method: 'GET', url: '/api/v1/me/membership-invitations', headers: person.headers });
  const invitation = pending.json<{ items: { id: string; tenant: { id: string } }[] }>().items.find((item) => item.tenant.id === admin.tenant.id);
  if (invitation === undefined) throw new Error(`no invitation to ${admin.tenant.name}: ${pending.body}`);
  const accepted = await t.app.inject({ method: 'POST', url: `/api/v1/me/membership-invitations/${invitation.id}/accept`, headers: person.headers });
  if (accepted.statusCode !== 204) throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`);
  return invitation.id;
}
