import type { Executor } from '../storage/db.ts';
import type { IdentityLinksTable, IdentityProvidersTable, SsoFlowsTable } from '../storage/database.ts';
import type { Selectable } from 'kysely';
import type { MfaAssurance } from '@lanyard/contracts/sso';
import type { IdentityLink, IdentityProvider, SsoFlow } from './sso.ts';

/** identity_providers, identity_links and sso_flows: only the sso domain writes them. Every provider query takes the tenant. */

function toProvider(row: Selectable<IdentityProvidersTable>): IdentityProvider {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecretSealed: row.client_secret_sealed,
    scopes: row.scopes,
    emailDomains: row.email_domains,
    buttonLabel: row.button_label,
    isDefault: row.is_default,
    autoLinkVerifiedEmail: row.auto_link_verified_email,
    mfaAssurance: mfaAssuranceOf(row.mfa_assurance),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The stored assurance, keeping only lists of strings (the column is jsonb). */
function mfaAssuranceOf(value: unknown): MfaAssurance {
  if (typeof value !== 'object' || value === null) return {};
  const strings = (list: unknown) => (Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : undefined);
  const record = value as Record<string, unknown>;
  const amr = strings(record.amr);
  const acr = strings(record.acr);
  const authnContextClassRefs = strings(record.authnContextClassRefs);
  return { ...(amr === undefined ? {} : { amr }), ...(acr === undefined ? {} : { acr }), ...(authnContextClassRefs === undefined ? {} : { authnContextClassRefs }) };
}

function toLink(row: Selectable<IdentityLinksTable>): IdentityLink {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    providerId: row.provider_id,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    linkedAt: row.linked_at,
  };
}

function toFlow(row: Selectable<SsoFlowsTable>): SsoFlow {
  return {
    id: row.id,
    purpose: row.purpose,
    tenantId: row.tenant_id,
    providerId: row.provider_id,
    userId: row.user_id,
    state: row.state,
    nonce: row.nonce,
    codeVerifier: row.code_verifier,
    returnTo: row.return_to,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export async function insertProvider(db: Executor, provider: IdentityProvider): Promise<void> {
  await db
    .insertInto('identity_providers')
    .values({
      id: provider.id,
      tenant_id: provider.tenantId,
      name: provider.name,
      issuer: provider.issuer,
      client_id: provider.clientId,
      client_secret_sealed: provider.clientSecretSealed,
      scopes: provider.scopes,
      email_domains: provider.emailDomains,
      button_label: provider.buttonLabel,
      is_default: provider.isDefault,
      auto_link_verified_email: provider.autoLinkVerifiedEmail,
      mfa_assurance: JSON.stringify(provider.mfaAssurance),
      created_at: provider.createdAt,
      updated_at: provider.updatedAt,
    })
    .execute();
}

export async function updateProvider(db: Executor, provider: IdentityProvider): Promise<void> {
  await db
    .updateTable('identity_providers')
    .set({
      name: provider.name,
      issuer: provider.issuer,
      client_id: provider.clientId,
      client_secret_sealed: provider.clientSecretSealed,
      scopes: provider.scopes,
      email_domains: provider.emailDomains,
      button_label: provider.buttonLabel,
      is_default: provider.isDefault,
      auto_link_verified_email: provider.autoLinkVerifiedEmail,
      mfa_assurance: JSON.stringify(provider.mfaAssurance),
      updated_at: provider.updatedAt,
    })
    .where('tenant_id', '=', provider.tenantId)
    .where('id', '=', provider.id)
    .execute();
}

/** The tenant's default provider stops being the default (before another becomes it). */
export async function clearDefault(db: Executor, tenantId: string, exceptId: string): Promise<void> {
  await db.updateTable('identity_providers').set({ is_default: false }).where('tenant_id', '=', tenantId).where('is_default', '=', true).where('id', '!=', exceptId).execute();
}

export async function deleteProvider(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('identity_providers').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findProvider(db: Executor, tenantId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<IdentityProvider | undefined> {
  let query = db.selectFrom('identity_providers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (options.forUpdate === true) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : toProvider(row);
}

export async function listProviders(db: Executor, tenantId: string): Promise<IdentityProvider[]> {
  const rows = await db.selectFrom('identity_providers').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toProvider);
}

/** The provider of any tenant that claims an email domain (discovery before the account is known): at most one (0017). */
export async function findProviderClaimingDomain(db: Executor, domain: string): Promise<IdentityProvider | undefined> {
  const row = await db
    .selectFrom('identity_provider_domains as c')
    .innerJoin('identity_providers as p', (join) => join.onRef('p.id', '=', 'c.provider_id').onRef('p.tenant_id', '=', 'c.tenant_id'))
    .selectAll('p')
    .where('c.domain', '=', domain)
    .executeTakeFirst();
  return row === undefined ? undefined : toProvider(row);
}

/**
 * Makes `domains` exactly the provider's claims, in `trx`: its other claims go, the new ones are inserted unless another provider holds
 * them (the primary key decides, so of two concurrent claims one wins; the other waits for it and then finds the row). Answers the
 * domains another provider holds, with that provider's tenant; the caller rolls back when there are any.
 */
export async function claimDomains(trx: Executor, tenantId: string, providerId: string, domains: string[]): Promise<{ domain: string; tenantId: string }[]> {
  let removal = trx.deleteFrom('identity_provider_domains').where('provider_id', '=', providerId);
  if (domains.length > 0) removal = removal.where('domain', 'not in', domains);
  await removal.execute();
  if (domains.length === 0) return [];
  await trx
    .insertInto('identity_provider_domains')
    .values(domains.map((domain) => ({ domain, tenant_id: tenantId, provider_id: providerId })))
    .onConflict((oc) => oc.column('domain').doNothing())
    .execute();
  const held = await trx.selectFrom('identity_provider_domains').select(['domain', 'tenant_id', 'provider_id']).where('domain', 'in', domains).execute();
  return held.filter((row) => row.provider_id !== providerId).map((row) => ({ domain: row.domain, tenantId: row.tenant_id }));
}

export async function insertLink(db: Executor, link: IdentityLink): Promise<boolean> {
  const result = await db
    .insertInto('identity_links')
    .values({
      id: link.id,
      tenant_id: link.tenantId,
      user_id: link.userId,
      provider_id: link.providerId,
      issuer: link.issuer,
      subject: link.subject,
      email: link.email,
      linked_at: link.linkedAt,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return result !== undefined;
}

export async function findLinkBySubject(db: Executor, providerId: string, subject: string): Promise<IdentityLink | undefined> {
  const row = await db.selectFrom('identity_links').selectAll().where('provider_id', '=', providerId).where('subject', '=', subject).executeTakeFirst();
  return row === undefined ? undefined : toLink(row);
}

export async function listLinksOfUser(db: Executor, tenantId: string, userId: string): Promise<(IdentityLink & { providerName: string })[]> {
  const rows = await db
    .selectFrom('identity_links as l')
    .innerJoin('identity_providers as p', (join) => join.onRef('p.id', '=', 'l.provider_id').onRef('p.tenant_id', '=', 'l.tenant_id'))
    .selectAll('l')
    .select('p.name as provider_name')
    .where('l.tenant_id', '=', tenantId)
    .where('l.user_id', '=', userId)
    .orderBy('l.linked_at')
    .execute();
  return rows.map((row) => ({ ...toLink(row), providerName: row.provider_name }));
}

/** How many identities the user has linked, in any tenant (a way in without a password). */
export async function countLinksOfUser(db: Executor, userId: string): Promise<number> {
  const row = await db.selectFrom('identity_links').select((eb) => eb.fn.countAll<string>().as('count')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function deleteLink(db: Executor, tenantId: string, userId: string, id: string): Promise<IdentityLink | undefined> {
  const row = await db.deleteFrom('identity_links').where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('id', '=', id).returningAll().executeTakeFirst();
  return row === undefined ? undefined : toLink(row);
}

export async function insertFlow(db: Executor, flow: SsoFlow, referenceHash: Buffer): Promise<void> {
  await db
    .insertInto('sso_flows')
    .values({
      id: flow.id,
      reference_hash: referenceHash,
      purpose: flow.purpose,
      tenant_id: flow.tenantId,
      provider_id: flow.providerId,
      user_id: flow.userId,
      state: flow.state,
      nonce: flow.nonce,
      code_verifier: flow.codeVerifier,
      return_to: flow.returnTo,
      created_at: flow.createdAt,
      expires_at: flow.expiresAt,
    })
    .execute();
}

/** Uses the flow a reference names exactly once, while it lives: one conditional update; undefined when unknown, used or expired. */
export async function consumeFlow(db: Executor, referenceHash: Buffer, now: Date): Promise<SsoFlow | undefined> {
  const row = await db
    .updateTable('sso_flows')
    .set({ used_at: now })
    .where('reference_hash', '=', referenceHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toFlow(row);
}

/** Flows that ended (used or expired) a while ago are of no use to anyone. */
export async function deleteFlowsBefore(db: Executor, before: Date): Promise<void> {
  await db.deleteFrom('sso_flows').where('expires_at', '<', before).execute();
}
