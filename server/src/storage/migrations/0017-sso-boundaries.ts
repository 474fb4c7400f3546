import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Single sign-on respects tenant boundaries (SPEC §3.12, issue 20):
 * - an email domain is claimed by at most one tenant of the deployment: `identity_provider_domains` holds one row per claimed domain
 *   (its primary key is the guarantee, so two tenants creating providers for the same domain at once cannot both win). The
 *   providers' `email_domains` arrays stay what discovery and the answers read; the service keeps both in one transaction.
 *   Existing providers of **different tenants** claiming the same domain (possible before this migration): the oldest provider
 *   (by creation time, then id) keeps the claim and the others lose that domain from their `email_domains` (they keep working for
 *   the accounts of their own tenant through the tenant's default provider or another domain; their administrators see the
 *   domain gone and, trying to add it back, get 409 EMAIL_DOMAIN_CLAIMED). Nothing else changes for them.
 * - a provider says what its assertion must carry to count as a second factor (`mfa_assurance`: amr / acr / SAML
 *   AuthnContextClassRef values), empty by default (then only the standard `amr` values count);
 * - a sign-in flow may name no provider: the start answers alike for accounts Lanyard does not know (and names it no tenant),
 *   and that flow fails at Lanyard's own callback;
 * - the start finds an account by its username or its email: an index on the lower-cased email serves the second lookup.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table identity_providers add column mfa_assurance jsonb not null default '{}';

    create table identity_provider_domains (
      domain text primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      provider_id uuid not null references identity_providers (id) on delete cascade
    );
    create index identity_provider_domains_provider_idx on identity_provider_domains (provider_id);

    insert into identity_provider_domains (domain, tenant_id, provider_id)
      select distinct on (claimed.domain) claimed.domain, p.tenant_id, p.id
      from identity_providers p cross join lateral unnest(p.email_domains) as claimed (domain)
      order by claimed.domain, p.created_at, p.id;

    update identity_providers p
      set email_domains = array(select c.domain from identity_provider_domains c where c.provider_id = p.id order by c.domain)
      where exists (
        select 1 from unnest(p.email_domains) as listed (domain)
        where not exists (select 1 from identity_provider_domains c where c.domain = listed.domain and c.provider_id = p.id)
      );

    alter table sso_flows alter column provider_id drop not null;
    alter table sso_flows alter column tenant_id drop not null;

    create index users_email_lower_idx on users (lower(email));
  `);
}
