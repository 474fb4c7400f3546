import type { TotpPeriod } from '@lanyard/contracts/mfa';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import { MINUTE, type Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import { newSecretToken, type SecretHasher } from '../kernel/secrets.ts';
import type { LoginService } from '../login/login-service.ts';
import type { PresenceCheck } from '../login/presence-check-service.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import { requiredByPolicy } from '../mfa/mfa.ts';
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
import {
  assertionOf,
  assertsSecondFactor,
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

/**
 * What the callback ends in: a session (sign-in), Lanyard's own second step first (the tenant requires MFA of the person's role and
 * the provider asserted none: a challenge for `POST /api/v1/auth/login/mfa`, no session yet), or a new link (My Account); and where
 * the console goes next.
 */
export type CallbackOutcome =
  | { kind: 'signed-in'; session: StartedSession; returnTo: string }
  | { kind: 'second-step'; challenge: string; enrolment: boolean; allowedPeriods: TotpPeriod[]; returnTo: string }
  | { kind: 'linked'; returnTo: string };

/**
 * The relying party: starts flows (the browser keeps only a reference in a cookie), completes them at the
 * callback, signs in or links, and the links of My Account. Every refusal at the callback is SSO_FAILED; its
 * precise reason is audited (`auth.login.failed` with method sso) and logged, never answered.
 */
export interface SsoService {
  /**
   * `POST/GET /api/v1/auth/sso/start` with a username or an email: the provider's authorization URL and the flow reference for the
   * cookie. Never tells whether the account exists (SPEC §4b): where no provider serves the name, the URL is Lanyard's own callback,
   * whose flow then fails SSO_FAILED (audited `no-provider`), like a wrong password after the form.
   */
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
  users: Pick<UsersService, 'findUserByUsernameOrEmail' | 'listEnabledTenantIds' | 'getUser' | 'findMembership'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  sessions: Pick<SessionsService, 'start'>;
  passwords: Pick<PasswordsService, 'hasPassword' | 'confirmCurrentPassword'>;
  /** The contact-center check every sign-in method makes once its credential is accepted (SPEC §3.2). */
  presenceCheck: PresenceCheck;
  /** The tenant's second-factor rules apply to single sign-on too (SPEC §3.12): which step a person needs, and its challenge. */
  mfa: Pick<MfaService, 'secondStepFor'>;
  login: Pick<LoginService, 'issueSsoChallenge'>;
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
      void meta;
      const found = await discover(username);
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
      const context = { tenantId: flow.tenantId, userId: flow.purpose === 'link' ? flow.userId : null, ...(flow.providerId === null ? {} : { providerId: flow.providerId }), purpose: flow.purpose };
      const returnedState = callbackUrl.searchParams.get('state') ?? '';
      if (!sameSecret(returnedState, flow.state)) return fail('state-mismatch', context, meta);
      // A start that found no provider for the name (unknown, or an account no provider of its tenants serves): it ends here.
      if (flow.providerId === null || flow.tenantId === null) return fail('no-provider', { ...context, userId: flow.userId }, meta);
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

      // Sign-in: the identity's link, else — once — the account named at the start, when the rules allow it. Either way the session is
      // in the provider's tenant only (SPEC §3.12: a tenant's provider never opens sessions in another tenant).
      let userId = existing?.userId;
      let linkNow = false;
      if (userId === undefined) {
        if (flow.userId === null) return fail('no-linked-account', context, meta);
        const named = await deps.users.getUser(flow.userId);
        // Only the home tenant's provider may link an account: another tenant's administrators could point theirs at anyone's email.
        if (named.homeTenantId !== provider.tenantId) return fail('account-homed-elsewhere', { ...context, userId: named.id }, meta);
        const emailVerified = named.status === 'active' && !named.ssoOnly && (await deps.passwords.hasPassword(named.id));
        if (!mayLinkAtSignIn({ assertion, user: { email: named.email, ssoOnly: named.ssoOnly, emailVerified, homeTenantId: named.homeTenantId }, provider })) {
          return fail(assertion.emailVerified ? 'no-linked-account' : 'no-linked-account-email-unverified', { ...context, userId: named.id }, meta);
        }
        userId = named.id;
        linkNow = true;
      }
      const user = await deps.users.getUser(userId);
      if (user.status !== 'active') return fail(`status-${user.status}`, { ...context, userId }, meta);
      const tenant = await deps.tenants.getTenant(provider.tenantId);
      const membership = await deps.users.findMembership(tenant.id, user.id);
      if (membership === undefined) return fail('no-membership', { ...context, userId }, meta);
      if (membership.disabled) return fail('membership-disabled', { ...context, userId }, meta);
      // Refused like a password sign-in (403 PRESENCE_REASON_LIST_REQUIRED, audited): no session, and no link made.
      await deps.presenceCheck.assertMaySignIn({ user, membership, tenant }, 'sso', meta);
      const secondFactor = assertsSecondFactor(assertion, provider.mfaAssurance);
      const howLinked = user.ssoOnly ? 'sso-only-first-sign-in' : 'verified-email';
      const linkIfNew = async (trx: Executor) => {
        if (linkNow && !(await link(trx, user, provider, assertion, meta, howLinked))) throw new SsoProblem('link-race');
      };
      try {
        // The tenant requires a factor of this role and the provider asserted none: Lanyard's own second step, as after a password.
        if (!secondFactor && requiredByPolicy(tenant.settings.mfaPolicy, membership.role.id)) {
          const step = await deps.mfa.secondStepFor({ user, membership, tenant });
          const issued = await deps.db.transaction().execute(async (trx) => {
            await linkIfNew(trx);
            return deps.login.issueSsoChallenge(trx, { step: step === 'totp' ? 'totp' : 'enrolment', userId: user.id, tenant, providerId: provider.id }, meta);
          });
          return { kind: 'second-step', challenge: issued.challenge, enrolment: step !== 'totp', allowedPeriods: issued.allowedPeriods, returnTo };
        }
        const session = await deps.db.transaction().execute(async (trx) => {
          await linkIfNew(trx);
          const started = await deps.sessions.start(user.id, tenant, { ...meta, passwordChangeRequired: false, secondFactor }, trx);
          await deps.audit.record(trx, {
            tenantId: tenant.id,
            actorUserId: user.id,
            action: 'auth.login.succeeded',
            result: 'success',
            targetType: 'user',
            targetId: user.id,
            ip: meta.ip,
            details: { method: 'sso', providerId: provider.id, issuer: assertion.issuer, subject: assertion.subject, secondFactor },
          });
          return started;
        });
        return { kind: 'signed-in', session, returnTo };
      } catch (error) {
        if (error instanceof SsoProblem) return fail(error.reason, { ...context, userId }, meta);
        throw error;
      }
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
