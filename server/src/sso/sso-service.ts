import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import { MINUTE, type Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import { newSecretToken, type SecretHasher } from '../kernel/secrets.ts';
import type { Outbox } from '../mail/outbox.ts';
import { identityLinkEmail } from '../mail/templates.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { User } from '../users/users.ts';
import type { UsersService } from '../users/users-service.ts';
import type { IdentityProvidersService } from './identity-providers-service.ts';
import { SsoProblem, type OidcClient } from './oidc-client.ts';
import { countLinksOfUser, consumeFlow, deleteFlowsBefore, deleteLink, findLinkBySubject, insertFlow, insertLink, listLinksOfUser } from './sso-repo.ts';
import {
  assertionOf,
  discoveryOrder,
  mayLinkAtSignIn,
  providerForEmail,
  redirectUriOf,
  sameSecret,
  type Assertion,
  type IdentityLink,
  type IdentityProvider,
  type SsoFlow,
} from './sso.ts';

/** How long a started flow may take at the provider (the cookie lives as long). */
export const flowLifetimeMs = 10 * MINUTE;

/** Who a refused callback was about, for its audit row (login/ writes it). */
export interface CallbackContext {
  tenantId?: string | null;
  userId?: string | null;
  providerId?: string;
  purpose?: string;
}

/** A callback's refusal: its precise reason (audited and logged by login/, never answered) and whom it was about. */
export interface CallbackRefusal {
  ok: false;
  reason: string;
  context: CallbackContext;
}

/** A flow the provider completed: the identity it asserted, the identity's link if it has one, and where the console goes next. */
export interface CompletedFlow {
  ok: true;
  flow: SsoFlow;
  provider: IdentityProvider;
  assertion: Assertion;
  existing: IdentityLink | undefined;
  returnTo: string;
  context: CallbackContext;
}

export interface SsoService {
  /**
   * `POST/GET /api/v1/auth/sso/start` with a username or an email: the provider's authorization URL and the flow reference for the
   * cookie. Never tells whether the account exists (SPEC §4b): where no provider serves the name, the URL is Lanyard's own callback,
   * whose flow then fails SSO_FAILED (audited `no-provider`), like a wrong password after the form.
   */
  start(username: string, returnTo: string | undefined, meta: RequestMeta): Promise<{ authorizationUrl: string; reference: string }>;
  /** `POST /api/v1/me/identity-links`: a link flow for the signed-in user; IDENTITY_PROVIDER_NOT_FOUND. */
  startLink(principal: Principal, providerId: string, returnTo: string | undefined, meta: RequestMeta): Promise<{ authorizationUrl: string; reference: string }>;
  /**
   * `GET /api/v1/auth/sso/callback` up to the identity: the flow of the cookie's reference is used up (a replay finds nothing), the
   * state compared, the code exchanged and the ID token checked (issuer, audience, nonce, PKCE), and the identity's link looked up.
   */
  completeFlow(reference: string | undefined, callbackUrl: URL): Promise<CompletedFlow | CallbackRefusal>;
  /** A completed flow of purpose `link` (My Account): the identity linked to the flow's user, audited and emailed. */
  completeLink(completed: CompletedFlow, meta: RequestMeta): Promise<{ ok: true } | CallbackRefusal>;
  /**
   * The account a completed sign-in flow names: the identity's link, else — once — the account named at the start when the linking
   * rules allow it (`linkNow`: the link is to be made with the sign-in's writes, `linkAtSignIn`).
   */
  accountForSignIn(completed: CompletedFlow): Promise<{ ok: true; userId: string; linkNow: boolean } | CallbackRefusal>;
  /** The link a first sign-in makes, in the sign-in's transaction; false when the identity or the provider was linked meanwhile. */
  linkAtSignIn(trx: Executor, user: User, completed: CompletedFlow, meta: RequestMeta): Promise<boolean>;
  listLinks(principal: Principal): Promise<(IdentityLink & { providerName: string })[]>;
  /** Whether unlinking asks the signed-in person's current password: they have one. */
  unlinkNeedsPassword(principal: Principal): Promise<boolean>;
  /** A member's links, for their page in Administration (the caller checked `users.view` in this tenant). */
  listLinksOf(tenantId: string, userId: string): Promise<(IdentityLink & { providerName: string })[]>;
  /** IDENTITY_LINK_NOT_FOUND; IDENTITY_LINK_LAST; CURRENT_PASSWORD_INCORRECT for a user with a password. */
  unlink(principal: Principal, linkId: string, currentPassword: string | undefined, meta: RequestMeta): Promise<void>;
}

export function createSsoService(deps: {
  db: Db;
  clock: Clock;
  secrets: SecretHasher;
  publicUrl: URL;
  oidc: OidcClient;
  providers: IdentityProvidersService;
  users: Pick<UsersService, 'findUserByUsernameOrEmail' | 'listEnabledTenantIds' | 'getUser'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  passwords: Pick<PasswordsService, 'hasPassword' | 'confirmCurrentPassword'>;
  audit: Pick<AuditService, 'record'>;
  mail: Outbox;
  logger: { warn(object: object, message: string): void };
}): SsoService {
  const redirectUri = redirectUriOf(deps.publicUrl);
  const referenceHash = (reference: string) => deps.secrets.hash(`sso-flow:${reference}`);

  /**
   * A flow, stored; the browser gets only a reference. Without a provider (a name no provider serves) the same row is written and the
   * URL leads back to Lanyard's own callback, shaped like a provider's answer, where the flow fails with `no-provider`.
   */
  const newFlow = async (input: { purpose: SsoFlow['purpose']; provider: IdentityProvider | undefined; userId: string | null; returnTo: string | undefined }) => {
    const now = deps.clock.now();
    const flow: SsoFlow = {
      id: newId(now.getTime()),
      purpose: input.purpose,
      tenantId: input.provider?.tenantId ?? null,
      providerId: input.provider?.id ?? null,
      userId: input.userId,
      state: newSecretToken(),
      nonce: newSecretToken(),
      codeVerifier: newSecretToken() + newSecretToken(),
      returnTo: input.returnTo ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + flowLifetimeMs),
    };
    let authorizationUrl: string;
    if (input.provider === undefined) {
      const url = new URL(redirectUri);
      url.searchParams.set('code', newSecretToken());
      url.searchParams.set('state', flow.state);
      authorizationUrl = url.href;
    } else {
      try {
        authorizationUrl = await deps.oidc.authorizationUrl(deps.providers.connectionOf(input.provider), {
          redirectUri,
          scopes: input.provider.scopes,
          state: flow.state,
          nonce: flow.nonce,
          codeVerifier: flow.codeVerifier,
        });
      } catch (error) {
        const reason = error instanceof SsoProblem ? error.reason : 'unexpected';
        deps.logger.warn({ providerId: input.provider.id, reason }, 'single sign-on could not start');
        throw new AppError('SSO_FAILED', { details: { stage: 'start' } });
      }
    }
    const reference = newSecretToken();
    await insertFlow(deps.db, flow, referenceHash(reference));
    // Flows that ended an hour ago are of no use to anyone (indexed on the expiry; usually nothing to delete).
    await deleteFlowsBefore(deps.db, new Date(now.getTime() - 60 * MINUTE));
    return { authorizationUrl, reference };
  };

  /**
   * The provider for a typed username or email (SPEC §3.12). An account's: among the tenants it is an enabled member of, the default
   * tenant first, the provider claiming its email's domain, else that tenant's default; a domain another tenant claims is never used
   * for it. A name Lanyard does not know: the provider (of any tenant) claiming the typed email's domain, if any.
   */
  const discover = async (typed: string): Promise<{ provider: IdentityProvider | undefined; user: User | undefined }> => {
    const user = await deps.users.findUserByUsernameOrEmail(typed);
    if (user !== undefined) {
      for (const tenantId of discoveryOrder(await deps.users.listEnabledTenantIds(user.id), user.defaultTenantId)) {
        const provider = providerForEmail(await deps.providers.list(tenantId), user.email);
        if (provider !== undefined) return { provider, user };
      }
      return { provider: undefined, user };
    }
    const domain = typed.includes('@') ? (typed.split('@').at(-1)?.toLowerCase() ?? '') : '';
    return { provider: domain === '' ? undefined : await deps.providers.claimingDomain(domain), user: undefined };
  };

  const refused = (reason: string, context: CallbackContext): CallbackRefusal => ({ ok: false, reason, context });

  const notifyLink = async (trx: Executor, user: User, tenantId: string, provider: IdentityProvider, change: 'linked' | 'unlinked') => {
    const tenant = await deps.tenants.getTenant(tenantId, trx);
    await deps.mail.enqueue(trx, {
      ...identityLinkEmail({ firstName: user.firstName, tenantName: tenant.name, providerName: provider.name, at: deps.clock.now(), change }),
      tenantId,
      to: user.email,
    });
  };

  const link = async (trx: Executor, user: User, provider: IdentityProvider, assertion: Assertion, meta: RequestMeta, how: string): Promise<boolean> => {
    const created: IdentityLink = {
      id: newId(deps.clock.now().getTime()),
      tenantId: provider.tenantId,
      userId: user.id,
      providerId: provider.id,
      issuer: assertion.issuer,
      subject: assertion.subject,
      email: assertion.email,
      linkedAt: deps.clock.now(),
    };
    if (!(await insertLink(trx, created))) return false;
    await deps.audit.record(trx, {
      tenantId: provider.tenantId,
      actorUserId: user.id,
      action: 'identityLink.created',
      result: 'success',
      targetType: 'user',
      targetId: user.id,
      ip: meta.ip,
      details: { providerId: provider.id, issuer: assertion.issuer, subject: assertion.subject, how },
    });
    await notifyLink(trx, user, provider.tenantId, provider, 'linked');
    return true;
  };

  return {
    async start(username, returnTo, meta) {
      void meta;
      const found = await discover(username);
      return newFlow({ purpose: 'sign-in', provider: found.provider, userId: found.user?.id ?? null, returnTo });
    },

    async startLink(principal, providerId, returnTo, meta) {
      const provider = await deps.providers.get(principal.tenantId, providerId);
      void meta;
      return newFlow({ purpose: 'link', provider, userId: principal.userId, returnTo });
    },

    async completeFlow(reference, callbackUrl) {
      if (reference === undefined) return refused('no-flow-cookie', {});
      // The flow is used up first: a replayed callback, or one racing it, finds nothing.
      const flow = await consumeFlow(deps.db, referenceHash(reference), deps.clock.now());
      if (flow === undefined) return refused('flow-unknown-used-or-expired', {});
      const context = { tenantId: flow.tenantId, userId: flow.purpose === 'link' ? flow.userId : null, ...(flow.providerId === null ? {} : { providerId: flow.providerId }), purpose: flow.purpose };
      const returnedState = callbackUrl.searchParams.get('state') ?? '';
      if (!sameSecret(returnedState, flow.state)) return refused('state-mismatch', context);
      // A start that found no provider for the name (unknown, or an account no provider of its tenants serves): it ends here.
      if (flow.providerId === null || flow.tenantId === null) return refused('no-provider', { ...context, userId: flow.userId });
      const providerError = callbackUrl.searchParams.get('error');
      if (providerError !== null) return refused(`provider-error:${providerError.slice(0, 64)}`, context);
      let provider: IdentityProvider;
      try {
        provider = await deps.providers.get(flow.tenantId, flow.providerId);
      } catch {
        return refused('provider-gone', context);
      }
      let assertion: Assertion;
      try {
        const claims = await deps.oidc.exchange(deps.providers.connectionOf(provider), callbackUrl, flow, deps.clock.now());
        assertion = assertionOf(claims);
      } catch (error) {
        return refused(error instanceof SsoProblem ? error.reason : 'unexpected', context);
      }
      if (assertion.issuer !== provider.issuer) return refused('issuer-mismatch', context);
      const returnTo = flow.returnTo ?? (flow.purpose === 'link' ? '/my-account/details' : '/');
      const existing = await findLinkBySubject(deps.db, provider.id, assertion.subject);
      return { ok: true, flow, provider, assertion, existing, returnTo, context };
    },

    async completeLink({ flow, provider, assertion, existing, context }, meta) {
      const userId = flow.userId;
      if (userId === null) return refused('flow-without-user', context);
      if (existing !== undefined) return refused(existing.userId === userId ? 'already-linked' : 'identity-linked-to-another-user', context);
      const user = await deps.users.getUser(userId);
      const linked = await deps.db.transaction().execute((trx) => link(trx, user, provider, assertion, meta, 'my-account'));
      if (!linked) return refused('provider-already-linked', context);
      return { ok: true };
    },

    async accountForSignIn({ flow, provider, assertion, existing, context }) {
      // The identity's link, else — once — the account named at the start, when the rules allow it. Either way the session is in the
      // provider's tenant only (SPEC §3.12: a tenant's provider never opens sessions in another tenant).
      if (existing !== undefined) return { ok: true, userId: existing.userId, linkNow: false };
      if (flow.userId === null) return refused('no-linked-account', context);
      const named = await deps.users.getUser(flow.userId);
      // Only the home tenant's provider may link an account: another tenant's administrators could point theirs at anyone's email.
      if (named.homeTenantId !== provider.tenantId) return refused('account-homed-elsewhere', { ...context, userId: named.id });
      const emailVerified = named.status === 'active' && !named.ssoOnly && (await deps.passwords.hasPassword(named.id));
      if (!mayLinkAtSignIn({ assertion, user: { email: named.email, ssoOnly: named.ssoOnly, emailVerified, homeTenantId: named.homeTenantId }, provider })) {
        return refused(assertion.emailVerified ? 'no-linked-account' : 'no-linked-account-email-unverified', { ...context, userId: named.id });
      }
      return { ok: true, userId: named.id, linkNow: true };
    },

    linkAtSignIn: (trx, user, { provider, assertion }, meta) => link(trx, user, provider, assertion, meta, user.ssoOnly ? 'sso-only-first-sign-in' : 'verified-email'),

    listLinks: (principal) => listLinksOfUser(deps.db, principal.tenantId, principal.userId),
    unlinkNeedsPassword: (principal) => deps.passwords.hasPassword(principal.userId),
    listLinksOf: (tenantId, userId) => listLinksOfUser(deps.db, tenantId, userId),

    async unlink(principal, linkId, currentPassword, meta) {
      const links = await listLinksOfUser(deps.db, principal.tenantId, principal.userId);
      const target = links.find((item) => item.id === linkId);
      if (target === undefined) throw new AppError('IDENTITY_LINK_NOT_FOUND', { details: { linkId } });
      const hasPassword = await deps.passwords.hasPassword(principal.userId);
      const user = await deps.users.getUser(principal.userId);
      if (hasPassword) {
        if (currentPassword === undefined) throw new AppError('CURRENT_PASSWORD_INCORRECT');
        await deps.passwords.confirmCurrentPassword(principal, currentPassword, 'identityLink.deleted', meta);
      }
      await deps.db.transaction().execute(async (trx) => {
        // Without a password (or signing in through SSO only), the last link is the only way in.
        if ((!hasPassword || user.ssoOnly) && (await countLinksOfUser(trx, principal.userId)) <= 1) throw new AppError('IDENTITY_LINK_LAST');
        const removed = await deleteLink(trx, principal.tenantId, principal.userId, linkId);
        if (removed === undefined) throw new AppError('IDENTITY_LINK_NOT_FOUND', { details: { linkId } });
        await deps.audit.record(trx, {
          tenantId: principal.tenantId,
          actorUserId: principal.userId,
          action: 'identityLink.deleted',
          result: 'success',
          targetType: 'user',
          targetId: principal.userId,
          ip: meta.ip,
          details: { providerId: removed.providerId, issuer: removed.issuer, subject: removed.subject },
        });
        const provider = await deps.providers.get(principal.tenantId, removed.providerId, trx);
        await notifyLink(trx, user, principal.tenantId, provider, 'unlinked');
      });
    },
  };
}
