import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import { MINUTE, type Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import { newSecretToken, type SecretHasher } from '../kernel/secrets.ts';
import type { PresenceCheck } from '../login/presence-check-service.ts';
import type { Outbox } from '../mail/outbox.ts';
import { identityLinkEmail } from '../mail/templates.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import type { SessionsService, StartedSession } from '../sessions/sessions-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { User } from '../users/users.ts';
import type { UsersService } from '../users/users-service.ts';
import type { IdentityProvidersService } from './identity-providers-service.ts';
import { SsoProblem, type OidcClient } from './oidc-client.ts';
import { countLinksOfUser, consumeFlow, deleteFlowsBefore, deleteLink, findLinkBySubject, insertFlow, insertLink, listLinksOfUser } from './sso-repo.ts';
import { assertionOf, mayLinkAtSignIn, providerForEmail, redirectUriOf, sameSecret, type Assertion, type IdentityLink, type IdentityProvider, type SsoFlow } from './sso.ts';

/** How long a started flow may take at the provider (the cookie lives as long). */
export const flowLifetimeMs = 10 * MINUTE;

/** What the callback ends in: a session (sign-in) or a new link (My Account), and where the console goes next. */
export type CallbackOutcome = { kind: 'signed-in'; session: StartedSession; returnTo: string } | { kind: 'linked'; returnTo: string };

/**
 * The relying party: starts flows (the browser keeps only a reference in a cookie), completes them at the
 * callback, signs in or links, and the links of My Account. Every refusal at the callback is SSO_FAILED; its
 * precise reason is audited (`auth.login.failed` with method sso) and logged, never answered.
 */
export interface SsoService {
  /** `POST/GET /api/v1/auth/sso/start`: the provider's authorization URL and the flow reference for the cookie; SSO_NOT_AVAILABLE. */
  start(username: string, returnTo: string | undefined, meta: RequestMeta): Promise<{ authorizationUrl: string; reference: string }>;
  /** `POST /api/v1/me/identity-links`: a link flow for the signed-in user; IDENTITY_PROVIDER_NOT_FOUND. */
  startLink(principal: Principal, providerId: string, returnTo: string | undefined, meta: RequestMeta): Promise<{ authorizationUrl: string; reference: string }>;
  /** `GET /api/v1/auth/sso/callback`, with the cookie's reference and the URL the provider sent the browser to. */
  callback(reference: string | undefined, callbackUrl: URL, meta: RequestMeta): Promise<CallbackOutcome>;
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
  users: Pick<UsersService, 'findUserByUsername' | 'getUser' | 'findMembership'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  sessions: Pick<SessionsService, 'start'>;
  passwords: Pick<PasswordsService, 'hasPassword' | 'confirmCurrentPassword'>;
  /** The contact-center check every sign-in method makes once its credential is accepted (SPEC §3.2). */
  presenceCheck: PresenceCheck;
  audit: Pick<AuditService, 'record'>;
  mail: Outbox;
  logger: { warn(object: object, message: string): void };
}): SsoService {
  const redirectUri = redirectUriOf(deps.publicUrl);
  const referenceHash = (reference: string) => deps.secrets.hash(`sso-flow:${reference}`);

  const newFlow = async (input: { purpose: SsoFlow['purpose']; provider: IdentityProvider; userId: string | null; returnTo: string | undefined }) => {
    const now = deps.clock.now();
    const flow: SsoFlow = {
      id: newId(now.getTime()),
      purpose: input.purpose,
      tenantId: input.provider.tenantId,
      providerId: input.provider.id,
      userId: input.userId,
      state: newSecretToken(),
      nonce: newSecretToken(),
      codeVerifier: newSecretToken() + newSecretToken(),
      returnTo: input.returnTo ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + flowLifetimeMs),
    };
    let authorizationUrl: string;
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
    const reference = newSecretToken();
    await insertFlow(deps.db, flow, referenceHash(reference));
    // Flows that ended an hour ago are of no use to anyone (indexed on the expiry; usually nothing to delete).
    await deleteFlowsBefore(deps.db, new Date(now.getTime() - 60 * MINUTE));
    return { authorizationUrl, reference };
  };

  /** The provider for a username: by the email's domain (any tenant), else the default of the account's tenant. */
  const discover = async (username: string): Promise<{ provider: IdentityProvider; user: User | undefined } | undefined> => {
    const user = await deps.users.findUserByUsername(username);
    const email = user?.email ?? username;
    const domain = email.includes('@') ? (email.split('@').at(-1)?.toLowerCase() ?? '') : '';
    if (user !== undefined) {
      const own = providerForEmail(await deps.providers.list(user.defaultTenantId), email);
      if (own !== undefined) return { provider: own, user };
    }
    const claiming = domain === '' ? [] : await deps.providers.claimingDomain(domain);
    const provider = claiming[0];
    return provider === undefined ? undefined : { provider, user };
  };

  const fail = async (reason: string, context: { tenantId?: string | null; userId?: string | null; providerId?: string; purpose?: string }, meta: RequestMeta): Promise<never> => {
    deps.logger.warn({ reason, providerId: context.providerId, purpose: context.purpose }, 'single sign-on refused');
    await deps.audit.record(deps.db, {
      tenantId: context.tenantId ?? null,
      actorUserId: context.userId ?? null,
      action: 'auth.login.failed',
      result: 'failure',
      targetType: context.userId === undefined || context.userId === null ? undefined : 'user',
      targetId: context.userId ?? undefined,
      ip: meta.ip,
      details: { method: 'sso', reason, ...(context.providerId === undefined ? {} : { providerId: context.providerId }), ...(context.purpose === undefined ? {} : { purpose: context.purpose }) },
    });
    throw new AppError('SSO_FAILED');
  };

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
      const found = await discover(username);
      if (found === undefined) {
        await deps.audit.record(deps.db, { tenantId: null, actorUserId: null, action: 'auth.login.failed', result: 'failure', ip: meta.ip, details: { method: 'sso', reason: 'no-provider' } });
        throw new AppError('SSO_NOT_AVAILABLE');
      }
      return newFlow({ purpose: 'sign-in', provider: found.provider, userId: found.user?.id ?? null, returnTo });
    },

    async startLink(principal, providerId, returnTo, meta) {
      const provider = await deps.providers.get(principal.tenantId, providerId);
      void meta;
      return newFlow({ purpose: 'link', provider, userId: principal.userId, returnTo });
    },

    async callback(reference, callbackUrl, meta) {
      if (reference === undefined) return fail('no-flow-cookie', {}, meta);
      // The flow is used up first: a replayed callback, or one racing it, finds nothing.
      const flow = await consumeFlow(deps.db, referenceHash(reference), deps.clock.now());
      if (flow === undefined) return fail('flow-unknown-used-or-expired', {}, meta);
      const context = { tenantId: flow.tenantId, userId: flow.purpose === 'link' ? flow.userId : null, providerId: flow.providerId, purpose: flow.purpose };
      const returnedState = callbackUrl.searchParams.get('state') ?? '';
      if (!sameSecret(returnedState, flow.state)) return fail('state-mismatch', context, meta);
      const providerError = callbackUrl.searchParams.get('error');
      if (providerError !== null) return fail(`provider-error:${providerError.slice(0, 64)}`, context, meta);
      let provider: IdentityProvider;
      try {
        provider = await deps.providers.get(flow.tenantId, flow.providerId);
      } catch {
        return fail('provider-gone', context, meta);
      }
      let assertion: Assertion;
      try {
        const claims = await deps.oidc.exchange(deps.providers.connectionOf(provider), callbackUrl, flow, deps.clock.now());
        assertion = assertionOf(claims);
      } catch (error) {
        return fail(error instanceof SsoProblem ? error.reason : 'unexpected', context, meta);
      }
      if (assertion.issuer !== provider.issuer) return fail('issuer-mismatch', context, meta);
      const returnTo = flow.returnTo ?? (flow.purpose === 'link' ? '/my-account/details' : '/');
      const existing = await findLinkBySubject(deps.db, provider.id, assertion.subject);

      if (flow.purpose === 'link') {
        const userId = flow.userId;
        if (userId === null) return fail('flow-without-user', context, meta);
        if (existing !== undefined) return fail(existing.userId === userId ? 'already-linked' : 'identity-linked-to-another-user', context, meta);
        const user = await deps.users.getUser(userId);
        const linked = await deps.db.transaction().execute((trx) => link(trx, user, provider, assertion, meta, 'my-account'));
        if (!linked) return fail('provider-already-linked', context, meta);
        return { kind: 'linked', returnTo };
      }

      // Sign-in: the identity's link, else — once — the account named at the start, when the rules allow it.
      let userId = existing?.userId;
      let linkNow = false;
      if (userId === undefined) {
        if (flow.userId === null) return fail('no-linked-account', context, meta);
        const named = await deps.users.getUser(flow.userId);
        const membership = await deps.users.findMembership(provider.tenantId, named.id);
        const emailVerified = named.status === 'active' && !named.ssoOnly && (await deps.passwords.hasPassword(named.id));
        if (membership === undefined || !mayLinkAtSignIn({ assertion, user: { email: named.email, ssoOnly: named.ssoOnly, emailVerified }, autoLink: provider.autoLinkVerifiedEmail })) {
          return fail(assertion.emailVerified ? 'no-linked-account' : 'no-linked-account-email-unverified', { ...context, userId: named.id }, meta);
        }
        userId = named.id;
        linkNow = true;
      }
      const user = await deps.users.getUser(userId);
      if (user.status !== 'active') return fail(`status-${user.status}`, { ...context, userId }, meta);
      const tenant = await deps.tenants.getTenant(user.defaultTenantId);
      const membership = await deps.users.findMembership(tenant.id, user.id);
      if (membership === undefined) return fail('no-membership', { ...context, userId }, meta);
      // Refused like a password sign-in (403 PRESENCE_REASON_LIST_REQUIRED, audited): no session, and no link made.
      await deps.presenceCheck.assertMaySignIn({ user, membership, tenant }, 'sso', meta);
      let session: StartedSession;
      try {
        session = await deps.db.transaction().execute(async (trx) => {
        if (linkNow && !(await link(trx, user, provider, assertion, meta, user.ssoOnly ? 'sso-only-first-sign-in' : 'verified-email'))) throw new SsoProblem('link-race');
        const started = await deps.sessions.start(user.id, tenant, { ...meta, passwordChangeRequired: false }, trx);
        await deps.audit.record(trx, {
          tenantId: tenant.id,
          actorUserId: user.id,
          action: 'auth.login.succeeded',
          result: 'success',
          targetType: 'user',
          targetId: user.id,
          ip: meta.ip,
          details: { method: 'sso', providerId: provider.id, issuer: assertion.issuer, subject: assertion.subject },
        });
        return started;
        });
      } catch (error) {
        if (error instanceof SsoProblem) return fail(error.reason, { ...context, userId }, meta);
        throw error;
      }
      return { kind: 'signed-in', session, returnTo };
    },

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
