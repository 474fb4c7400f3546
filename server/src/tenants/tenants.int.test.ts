import { contactCenterDefaultPolicy, passwordPolicyPresets } from '@lanyard/contracts/password-policy';
import { administratorPermissions } from '@lanyard/contracts/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.ts';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let supervisorA: SignedInUser;

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Avonlea', username: 'anne.shirley' });
  adminB = await signedInUser(t, { tenantName: 'Carmody', username: 'josie.pye' });
  supervisorA = await signedInUser(t, { tenant: adminA.tenant, username: 'diana.barry', role: 'Supervisor' });
});
afterAll(async () => t.close());

const tenantRows = () => t.deps.db.selectFrom('tenants').selectAll().orderBy('id').execute();
const tenantRow = (id: string) => t.deps.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const roleCount = async () => (await t.deps.db.selectFrom('roles').select('id').execute()).length;

/** The coded error a service call rejects with. */
async function codeOf(work: Promise<unknown>): Promise<string> {
  const error: unknown = await work.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error.code;
}

const strictPolicy = { ...contactCenterDefaultPolicy, minLength: 16, requireSpecial: true };

describe('creating tenants', () => {
  it("creates a tenant homed in the deployment's region, with default settings and the three built-in roles", async () => {
    const tenant = await t.deps.tenants.createTenant('  Green Gables  ');
    expect(tenant).toMatchObject({ name: 'Green Gables', homeRegion: t.config.region });
    expect(tenant.settings.session).toEqual({ idleMinutes: 30, absoluteHours: 12 });
    expect(tenant.settings.passwordPolicy).toEqual(contactCenterDefaultPolicy);

    const row = await tenantRow(tenant.id);
    expect(row).toMatchObject({ name: 'Green Gables', name_canonical: 'green gables', home_region: t.config.region });
    expect(await t.deps.tenants.getTenant(tenant.id)).toEqual(tenant);

    const roles = await t.deps.roles.listRoles(tenant.id);
    expect(roles.map((role) => [role.name, role.builtIn])).toEqual([
      ['Administrator', true],
      ['Agent', true],
      ['Supervisor', true],
    ]);
    expect(new Set(roles.find((role) => role.name === 'Administrator')?.permissions)).toEqual(new Set(administratorPermissions));
  });

  it('refuses a name already taken, compared after NFKC, trimming and case folding, and stores nothing', async () => {
    await t.deps.tenants.createTenant('White Sands');
    const tenantsBefore = await tenantRows();
    const rolesBefore = await roleCount();
    for (const name of ['White Sands', 'white sands', ' WHITE SANDS ', 'Ｗｈｉｔｅ Ｓａｎｄｓ']) {
      expect(await codeOf(t.deps.tenants.createTenant(name)), name).toBe('TENANT_NAME_TAKEN');
    }
    expect(await tenantRows()).toEqual(tenantsBefore);
    expect(await roleCount()).toBe(rolesBefore);
  });

  it('creates exactly one tenant of ten created at once under one name; the others are TENANT_NAME_TAKEN', async () => {
    const rolesBefore = await roleCount();
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => t.deps.tenants.createTenant('Spencervale')));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'TENANT_NAME_TAKEN' });
    }
    expect((await tenantRows()).filter((row) => row.name_canonical === 'spencervale')).toHaveLength(1);
    expect(await roleCount()).toBe(rolesBefore + 3);
  });

  it('finds a tenant by id or by name (canonically), and answers TENANT_NOT_FOUND otherwise', async () => {
    expect((await t.deps.tenants.getTenantByName('  AVONLEA ')).id).toBe(adminA.tenant.id);
    expect(await codeOf(t.deps.tenants.getTenantByName('Nowhere'))).toBe('TENANT_NOT_FOUND');
    expect(await codeOf(t.deps.tenants.getTenant('01890a5d-ac96-774b-bcce-b302099a8057'))).toBe('TENANT_NOT_FOUND');
  });
});

describe('tenant settings', () => {
  it('reads settings stored without some keys with their defaults', async () => {
    const tenant = await t.deps.tenants.createTenant('Settings Partial');
    await t.deps.db.updateTable('tenants').set({ settings: JSON.stringify({ session: { idleMinutes: 5 } }) }).where('id', '=', tenant.id).execute();
    const read = await t.deps.tenants.getTenant(tenant.id);
    expect(read.settings.session).toEqual({ idleMinutes: 5, absoluteHours: 12 });
    expect(read.settings.lockout).toEqual({ maxFailures: 6, lockMinutes: 30 });
  });

  it('changes one setting and keeps the others; an invalid change is refused and stores nothing', async () => {
    const tenant = await t.deps.tenants.createTenant('Settings Update');
    await t.deps.tenants.updateSettings(tenant.id, (settings) => ({ ...settings, invitationLifetimeHours: 72 }));
    const updated = await t.deps.tenants.updateSettings(tenant.id, (settings) => ({ ...settings, session: { ...settings.session, idleMinutes: 10 } }));
    expect(updated.settings).toMatchObject({ invitationLifetimeHours: 72, session: { idleMinutes: 10, absoluteHours: 12 } });
    expect((await t.deps.tenants.getTenant(tenant.id)).settings).toEqual(updated.settings);

    const before = await tenantRow(tenant.id);
    await expect(t.deps.tenants.updateSettings(tenant.id, (settings) => ({ ...settings, invitationLifetimeHours: 0 }))).rejects.toThrow();
    expect(await tenantRow(tenant.id)).toEqual(before);
    expect(await codeOf(t.deps.tenants.updateSettings('01890a5d-ac96-774b-bcce-b302099a8057', (settings) => settings))).toBe('TENANT_NOT_FOUND');
  });

  it("replaces the tenant's password policy through the API and keeps its other settings", async () => {
    const tenant = await t.deps.tenants.createTenant('Policy Tenant');
    await t.deps.tenants.updateSettings(tenant.id, (settings) => ({ ...settings, lockout: { maxFailures: 3, lockMinutes: 10 } }));
    const admin = await signedInUser(t, { tenant, username: 'policy.admin' });
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/admin/security/password-policy', headers: admin.headers, payload: { passwordPolicy: strictPolicy } });
    expect(put.statusCode).toBe(204);
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/admin/security/password-policy', headers: admin.headers });
    expect(read.statusCode).toBe(200);
    expect(read.json().tenantPolicy).toEqual(strictPolicy);
    expect(read.json().presets.map((preset: { id: string }) => preset.id)).toEqual(passwordPolicyPresets.map((preset) => preset.id));
    expect((await t.deps.tenants.getTenant(tenant.id)).settings).toMatchObject({ passwordPolicy: strictPolicy, lockout: { maxFailures: 3, lockMinutes: 10 } });
  });

  it('refuses a bad policy with a coded 4xx and stores nothing', async () => {
    const before = await tenantRow(adminA.tenant.id);
    const cases: [unknown, number, string][] = [
      [{}, 400, 'VALIDATION_FAILED'],
      [{ passwordPolicy: { ...contactCenterDefaultPolicy, minLength: 0 } }, 400, 'VALIDATION_FAILED'],
      [{ passwordPolicy: { ...contactCenterDefaultPolicy, extra: true } }, 400, 'VALIDATION_FAILED'],
      [{ passwordPolicy: { minLength: 12 } }, 400, 'VALIDATION_FAILED'],
      [{ passwordPolicy: contactCenterDefaultPolicy, settings: { session: { idleMinutes: 1 } } }, 400, 'VALIDATION_FAILED'],
      [{ passwordPolicy: { ...contactCenterDefaultPolicy, minLength: 200, maxLength: 100 } }, 422, 'PASSWORD_POLICY_INVALID'],
    ];
    for (const [payload, status, code] of cases) {
      const response = await t.app.inject({ method: 'PUT', url: '/api/v1/admin/security/password-policy', headers: adminA.headers, payload: payload as Record<string, unknown> });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect(await tenantRow(adminA.tenant.id)).toEqual(before);
  });

  it('needs security.policies.manage, and a signed-in caller', async () => {
    const before = await tenantRow(adminA.tenant.id);
    for (const method of ['GET', 'PUT'] as const) {
      const denied = await t.app.inject({ method, url: '/api/v1/admin/security/password-policy', headers: supervisorA.headers, payload: { passwordPolicy: strictPolicy } });
      expect(denied.statusCode, method).toBe(403);
      expect(denied.json().error.code).toBe('PERMISSION_DENIED');
      const anonymous = await t.app.inject({ method, url: '/api/v1/admin/security/password-policy', headers: { origin: adminA.headers.origin }, payload: { passwordPolicy: strictPolicy } });
      expect(anonymous.statusCode, method).toBe(401);
      expect(anonymous.json().error.code).toBe('AUTH_REQUIRED');
    }
    expect(await tenantRow(adminA.tenant.id)).toEqual(before);
  });
});

describe('tenant isolation', () => {
  it("lets tenant B's administrator read and change only tenant B's settings", async () => {
    await t.deps.tenants.updateSettings(adminA.tenant.id, (settings) => ({ ...settings, passwordPolicy: passwordPolicyPresets[1].policy }));
    const rowOfA = await tenantRow(adminA.tenant.id);

    const read = await t.app.inject({ method: 'GET', url: '/api/v1/admin/security/password-policy', headers: adminB.headers });
    expect(read.json().tenantPolicy).toEqual(contactCenterDefaultPolicy);
    const rolesOfA = new Set((await t.deps.roles.listRoles(adminA.tenant.id)).map((role) => role.id));
    expect(read.json().roles.some((role: { id: string }) => rolesOfA.has(role.id))).toBe(false);

    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/admin/security/password-policy', headers: adminB.headers, payload: { passwordPolicy: strictPolicy } });
    expect(put.statusCode).toBe(204);
    expect((await t.deps.tenants.getTenant(adminB.tenant.id)).settings.passwordPolicy).toEqual(strictPolicy);
    expect(await tenantRow(adminA.tenant.id)).toEqual(rowOfA);

    const events = await t.deps.audit.list(adminA.tenant.id, { action: 'policy.changed', limit: 100 });
    expect(events.some((event) => event.actorUserId === adminB.userId)).toBe(false);
  });

  it("shows each administrator their own tenant on /me, whatever tenant id the request names", async () => {
    const me = await t.app.inject({ method: 'GET', url: `/api/v1/me?tenantId=${adminA.tenant.id}`, headers: { ...adminB.headers, 'x-tenant-id': adminA.tenant.id } });
    expect(me.statusCode).toBe(200);
    expect(me.json().tenant).toEqual({ id: adminB.tenant.id, name: 'Carmody', region: t.config.region });
    expect(me.body).not.toContain(adminA.tenant.id);
  });
});
