import type { TotpPeriod } from '@lanyard/contracts/mfa';
import { AppError } from '../errors/app-error.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { StartedSession } from '../sessions/sessions-service.ts';
import type { CallbackContext, SsoService } from '../sso/sso-service.ts';
import { assertsSecondFactor } from '../sso/sso.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import type { LoginFlow } from './login-flow.ts';

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
 * The OpenID Connect method (`GET /api/v1/auth/sso/callback`, SPEC §3.12): sso/ completes the provider's flow and names the account
 * (its link, or a first link the rules allow); this method hands that person, in the provider's tenant only, to login-flow, with the
 * provider's second-factor assurance. A link flow from My Account ends at the same callback: sso/ links it. Every refusal answers
 * 401 SSO_FAILED (403 PRESENCE_REASON_LIST_REQUIRED from the gate); the precise reason is audited (`auth.login.failed`, method sso)
 * and logged, never answered.
 */
export interface OidcMethod {
  /** The callback, with the flow cookie's reference and the URL the provider sent the browser to. */
  callback(reference: string | undefined, callbackUrl: URL, meta: RequestMeta): Promise<CallbackOutcome>;
}

export function createOidcMethod(deps: {
  db: Db;
  flow: Pick<LoginFlow, 'finish' | 'recordFailure'>;
  sso: Pick<SsoService, 'completeFlow' | 'completeLink' | 'accountForSignIn' | 'linkAtSignIn'>;
  users: Pick<UsersService, 'getUser' | 'findMembership'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  logger: { warn(object: object, message: string): void };
}): OidcMethod {
  const log = (reason: string, context: CallbackContext) => deps.logger.warn({ reason, providerId: context.providerId, purpose: context.purpose }, 'single sign-on refused');

  const fail = async (reason: string, context: CallbackContext, meta: RequestMeta): Promise<never> => {
    log(reason, context);
    const details = { method: 'sso', reason, ...(context.providerId === undefined ? {} : { providerId: context.providerId }), ...(context.purpose === undefined ? {} : { purpose: context.purpose }) };
    await deps.flow.recordFailure(deps.db, { tenantId: context.tenantId ?? null, userId: context.userId, details }, meta);
    throw new AppError('SSO_FAILED');
  };

  return {
    async callback(reference, callbackUrl, meta) {
      const completed = await deps.sso.completeFlow(reference, callbackUrl);
      if (!completed.ok) return fail(completed.reason, completed.context, meta);
      const { provider, assertion, returnTo, context } = completed;

      if (completed.flow.purpose === 'link') {
        const linked = await deps.sso.completeLink(completed, meta);
        if (!linked.ok) return fail(linked.reason, linked.context, meta);
        return { kind: 'linked', returnTo };
      }

      const named = await deps.sso.accountForSignIn(completed);
      if (!named.ok) return fail(named.reason, named.context, meta);
      const [user, tenant, membership] = await Promise.all([deps.users.getUser(named.userId), deps.tenants.getTenant(provider.tenantId), deps.users.findMembership(provider.tenantId, named.userId)]);
      const secondFactor = assertsSecondFactor(assertion, provider.mfaAssurance);
      const linkFirst = async (trx: Executor) => {
        if (!(await deps.sso.linkAtSignIn(trx, user, completed, meta))) throw new LinkRace();
      };
      try {
        const outcome = await deps.flow.finish(
          { user, membership, tenant },
          {
            method: 'sso',
            details: { providerId: provider.id },
            succeeded: { issuer: assertion.issuer, subject: assertion.subject, secondFactor },
            passwordChangeRequired: false,
            // The provider's assurance met: no second step. Otherwise Lanyard's own, as after a password, where the tenant's MFA policy
            // requires a factor of this role (SPEC §3.12).
            secondFactor: secondFactor ? 'asserted' : 'if-required',
            // A first sign-in links the identity with its session (or challenge); a refusal before it makes no link.
            ...(named.linkNow ? { write: linkFirst } : {}),
          },
          meta,
        );
        if (outcome.kind === 'refused') {
          log(outcome.reason, context);
          throw new AppError(outcome.code ?? 'SSO_FAILED');
        }
        if (outcome.kind === 'second-step') return { ...outcome, returnTo };
        return { kind: 'signed-in', session: outcome.session, returnTo };
      } catch (error) {
        if (error instanceof LinkRace) return fail('link-race', { ...context, userId: user.id }, meta);
        throw error;
      }
    },
  };
}

/** The identity or the provider was linked by another sign-in meanwhile: the transaction rolls back, and the callback fails. */
class LinkRace extends Error {
  constructor() {
    super('link-race');
  }
}
