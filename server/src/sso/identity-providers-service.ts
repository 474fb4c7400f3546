import type { ConnectionTest, CreateIdentityProviderBody, MfaAssurance, UpdateIdentityProviderBody } from '@lanyard/contracts/sso';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Encryptor } from '../kernel/encryption.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { OidcClient, ProviderConnection } from './oidc-client.ts';
import { claimDomains, clearDefault, deleteProvider, findProvider, findProviderClaimingDomain, insertProvider, listProviders, updateProvider } from './sso-repo.ts';
import { normalizeScopes, type IdentityProvider } from './sso.ts';

/** Administration › Identity providers: the tenant's OpenID Connect providers (needs identityProviders.manage). */
export interface IdentityProvidersService {
  list(tenantId: string): Promise<IdentityProvider[]>;
  /** IDENTITY_PROVIDER_NOT_FOUND for another tenant's provider, never a hint that it exists. */
  get(tenantId: string, id: string, executor?: Executor): Promise<IdentityProvider>;
  create(actor: Principal, input: CreateIdentityProviderBody, meta: RequestMeta): Promise<IdentityProvider>;
  update(actor: Principal, id: string, change: UpdateIdentityProviderBody, meta: RequestMeta): Promise<IdentityProvider>;
  remove(actor: Principal, id: string, meta: RequestMeta): Promise<void>;
  /** Fetches the provider's discovery document and reports each check with a code (audited). */
  test(actor: Principal, id: string, meta: RequestMeta): Promise<ConnectionTest>;
  /** The issuer, client id and opened client secret, for the relying party's calls only (never answered, never logged). */
  connectionOf(provider: IdentityProvider): ProviderConnection;
  /** The provider (of any tenant) claiming the email's domain, for discovery of an account Lanyard does not know. */
  claimingDomain(domain: string): Promise<IdentityProvider | undefined>;
}

/** The assurance as stored: each list without repeats, empty lists left out. */
function assuranceOf(input: MfaAssurance | undefined): MfaAssurance {
  const distinct = (list: string[] | undefined) => (list === undefined || list.length === 0 ? undefined : [...new Set(list)]);
  const amr = distinct(input?.amr);
  const acr = distinct(input?.acr);
  const refs = distinct(input?.authnContextClassRefs);
  return { ...(amr === undefined ? {} : { amr }), ...(acr === undefined ? {} : { acr }), ...(refs === undefined ? {} : { authnContextClassRefs: refs }) };
}

/** What an audit row may say of a provider: never the secret. */
function described(provider: IdentityProvider) {
  return {
    name: provider.name,
    issuer: provider.issuer,
    clientId: provider.clientId,
    scopes: provider.scopes,
    emailDomains: provider.emailDomains,
    buttonLabel: provider.buttonLabel,
    isDefault: provider.isDefault,
    autoLinkVerifiedEmail: provider.autoLinkVerifiedEmail,
    mfaAssurance: provider.mfaAssurance,
  };
}

export function createIdentityProvidersService(deps: { db: Db; clock: Clock; encryptor: Encryptor; audit: Pick<AuditService, 'record'>; oidc: Pick<OidcClient, 'testConnection'> }): IdentityProvidersService {
  const seal = (providerId: string, secret: string) => deps.encryptor.encrypt(Buffer.from(secret, 'utf8'), `identity-provider:${providerId}`);

  const get = async (tenantId: string, id: string, executor: Executor = deps.db): Promise<IdentityProvider> => {
    const provider = await findProvider(executor, tenantId, id);
    if (provider === undefined) throw new AppError('IDENTITY_PROVIDER_NOT_FOUND', { details: { providerId: id } });
    return provider;
  };

  /**
   * The provider's email domains become its claims (SPEC §3.12): a domain another provider of this tenant claims is 422
   * IDENTITY_PROVIDER_INVALID (discovery would not know which to pick); one another tenant claims is 409 EMAIL_DOMAIN_CLAIMED, naming
   * neither that tenant nor its provider. The claims table's primary key makes this hold under concurrent writes too.
   */
  const claim = async (trx: Executor, provider: IdentityProvider) => {
    const taken = await claimDomains(trx, provider.tenantId, provider.id, provider.emailDomains);
    const ours = taken.filter((entry) => entry.tenantId === provider.tenantId).map((entry) => entry.domain);
    if (ours.length > 0) throw new AppError('IDENTITY_PROVIDER_INVALID', { details: { problem: 'email-domain-taken', domains: ours } });
    if (taken.length > 0) throw new AppError('EMAIL_DOMAIN_CLAIMED', { details: { domains: taken.map((entry) => entry.domain) } });
  };

  const audit = (trx: Executor, actor: Principal, action: string, providerId: string, meta: RequestMeta, details: Record<string, unknown>) =>
    deps.audit.record(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action, result: 'success', targetType: 'identityProvider', targetId: providerId, ip: meta.ip, details });

  return {
    list: (tenantId) => listProviders(deps.db, tenantId),
    get,

    async create(actor, input, meta) {
      const now = deps.clock.now();
      const id = newId(now.getTime());
      const provider: IdentityProvider = {
        id,
        tenantId: actor.tenantId,
        name: input.name,
        issuer: input.issuer,
        clientId: input.clientId,
        clientSecretSealed: seal(id, input.clientSecret),
        scopes: normalizeScopes(input.scopes),
        emailDomains: [...new Set(input.emailDomains ?? [])],
        buttonLabel: input.buttonLabel ?? null,
        isDefault: input.isDefault ?? false,
        autoLinkVerifiedEmail: input.autoLinkVerifiedEmail ?? false,
        mfaAssurance: assuranceOf(input.mfaAssurance),
        createdAt: now,
        updatedAt: now,
      };
      await deps.db.transaction().execute(async (trx) => {
        if (provider.isDefault) await clearDefault(trx, actor.tenantId, id);
        await insertProvider(trx, provider);
        await claim(trx, provider);
        await audit(trx, actor, 'identityProvider.created', id, meta, described(provider));
      });
      return provider;
    },

    async update(actor, id, change, meta) {
      return deps.db.transaction().execute(async (trx) => {
        const before = await findProvider(trx, actor.tenantId, id, { forUpdate: true });
        if (before === undefined) throw new AppError('IDENTITY_PROVIDER_NOT_FOUND', { details: { providerId: id } });
        const after: IdentityProvider = {
          ...before,
          ...(change.name === undefined ? {} : { name: change.name }),
          ...(change.issuer === undefined ? {} : { issuer: change.issuer }),
          ...(change.clientId === undefined ? {} : { clientId: change.clientId }),
          ...(change.clientSecret === undefined ? {} : { clientSecretSealed: seal(id, change.clientSecret) }),
          ...(change.scopes === undefined ? {} : { scopes: normalizeScopes(change.scopes) }),
          ...(change.emailDomains === undefined ? {} : { emailDomains: [...new Set(change.emailDomains)] }),
          ...(change.buttonLabel === undefined ? {} : { buttonLabel: change.buttonLabel }),
          ...(change.isDefault === undefined ? {} : { isDefault: change.isDefault }),
          ...(change.autoLinkVerifiedEmail === undefined ? {} : { autoLinkVerifiedEmail: change.autoLinkVerifiedEmail }),
          ...(change.mfaAssurance === undefined ? {} : { mfaAssurance: assuranceOf(change.mfaAssurance) }),
          updatedAt: deps.clock.now(),
        };
        if (after.isDefault && !before.isDefault) await clearDefault(trx, actor.tenantId, id);
        await updateProvider(trx, after);
        await claim(trx, after);
        await audit(trx, actor, 'identityProvider.updated', id, meta, { before: described(before), after: described(after), clientSecretReplaced: change.clientSecret !== undefined });
        return after;
      });
    },

    async remove(actor, id, meta) {
      await deps.db.transaction().execute(async (trx) => {
        const provider = await findProvider(trx, actor.tenantId, id, { forUpdate: true });
        if (provider === undefined || !(await deleteProvider(trx, actor.tenantId, id))) throw new AppError('IDENTITY_PROVIDER_NOT_FOUND', { details: { providerId: id } });
        await audit(trx, actor, 'identityProvider.deleted', id, meta, described(provider));
      });
    },

    async test(actor, id, meta) {
      const provider = await get(actor.tenantId, id);
      const result = await deps.oidc.testConnection(provider.issuer);
      await deps.audit.record(deps.db, {
        tenantId: actor.tenantId,
        actorUserId: actor.userId,
        action: 'identityProvider.tested',
        result: result.ok ? 'success' : 'failure',
        targetType: 'identityProvider',
        targetId: id,
        ip: meta.ip,
        details: { issuer: provider.issuer, failed: result.checks.filter((check) => !check.ok).map((check) => `${check.check}:${check.reason ?? ''}`) },
      });
      return result;
    },

    connectionOf(provider) {
      return { issuer: provider.issuer, clientId: provider.clientId, clientSecret: deps.encryptor.decrypt(provider.clientSecretSealed, `identity-provider:${provider.id}`).toString('utf8') };
    },

    claimingDomain: (domain) => findProviderClaimingDomain(deps.db, domain),
  };
}
