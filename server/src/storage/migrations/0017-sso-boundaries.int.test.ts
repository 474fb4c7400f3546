import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseMigratedUpTo } from '../../testing/test-database.ts';
import type { Db } from '../db.ts';
import { migrateToLatest } from '../migrate.ts';

let db: Db;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, close } = await databaseMigratedUpTo('0016-tenant-boundaries'));
});

afterAll(async () => close());

describe('migration 0017: an email domain belongs to one tenant', () => {
  it('gives a domain two tenants claimed to the oldest provider, removes it from the others, and keeps every other claim', async () => {
    const at = (day: number) => new Date(`2026-01-0${day}T00:00:00Z`);
    const tenant = (id: string, name: string) =>
      sql`insert into tenants (id, name, name_canonical, home_region, settings, created_at) values (${id}, ${name}, ${name.toLowerCase()}, 'local', '{}', ${at(1)})`.execute(db);
    await tenant('00000000-0000-7000-8000-000000000001', 'Avonlea');
    await tenant('00000000-0000-7000-8000-000000000002', 'Carmody');
    const provider = (id: string, tenantId: string, domains: string[], created: Date) =>
      sql`insert into identity_providers (id, tenant_id, name, issuer, client_id, client_secret_sealed, scopes, email_domains, created_at, updated_at)
        values (${id}, ${tenantId}, 'IdP', 'https://idp.example.test', 'c', ${Buffer.from('x')}, ${['openid']}, ${domains}, ${created}, ${created})`.execute(db);
    await provider('00000000-0000-7000-8000-0000000000a1', '00000000-0000-7000-8000-000000000002', ['shared.test', 'carmody.test'], at(3));
    await provider('00000000-0000-7000-8000-0000000000a2', '00000000-0000-7000-8000-000000000001', ['avonlea.test', 'shared.test'], at(2));

    await migrateToLatest(db);

    const claims = await db.selectFrom('identity_provider_domains').selectAll().orderBy('domain').execute();
    expect(claims).toEqual([
      { domain: 'avonlea.test', tenant_id: '00000000-0000-7000-8000-000000000001', provider_id: '00000000-0000-7000-8000-0000000000a2' },
      { domain: 'carmody.test', tenant_id: '00000000-0000-7000-8000-000000000002', provider_id: '00000000-0000-7000-8000-0000000000a1' },
      { domain: 'shared.test', tenant_id: '00000000-0000-7000-8000-000000000001', provider_id: '00000000-0000-7000-8000-0000000000a2' },
    ]);
    const providers = await db.selectFrom('identity_providers').select(['id', 'email_domains', 'mfa_assurance']).orderBy('id').execute();
    expect(providers).toEqual([
      { id: '00000000-0000-7000-8000-0000000000a1', email_domains: ['carmody.test'], mfa_assurance: {} },
      { id: '00000000-0000-7000-8000-0000000000a2', email_domains: ['avonlea.test', 'shared.test'], mfa_assurance: {} },
    ]);
    // The primary key keeps it so from now on.
    await expect(
      sql`insert into identity_provider_domains (domain, tenant_id, provider_id) values ('shared.test', '00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-0000000000a1')`.execute(db),
    ).rejects.toMatchObject({ code: '23505' });
  });
});
