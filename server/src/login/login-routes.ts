import { loginBodySchema, loginMfaResponseSchema, loginResponseSchema } from '@lanyard/contracts/api';
import { errorBodySchema } from '@lanyard/contracts/common';
import { loginMfaBodySchema, loginMfaEnrolmentBodySchema, mfaChallengeSchema, totpEnrolmentSchema } from '@lanyard/contracts/mfa';
import { behind, type AdmissionGate } from '../http/admission.ts';
import { setSessionCookie, type CookieSettings } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { validationFailed } from '../http/error-handler.ts';
import { errorResponses, rateLimitedResponse } from '../http/openapi.ts';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import type { StartedSession } from '../sessions/sessions-service.ts';
import type { PasswordMethod } from './password-method.ts';
import type { TotpMethod } from './totp-method.ts';

const secondStepErrors = {
  401: errorBodySchema.describe('MFA_CHALLENGE_INVALID (unknown, expired or used challenge), MFA_CODE_INVALID (wrong, missing or replayed code)'),
  403: errorBodySchema.describe('ACCOUNT_LOCKED (too many wrong passwords or codes), CSRF_REJECTED'),
};
const enrolmentErrors = {
  401: errorBodySchema.describe('MFA_CHALLENGE_INVALID'),
  409: errorBodySchema.describe('MFA_ALREADY_ENABLED'),
  422: errorBodySchema.describe('MFA_SECRET_INVALID, MFA_PERIOD_NOT_ALLOWED'),
};

export function registerLoginRoutes(
  app: App,
  deps: {
    password: PasswordMethod;
    totp: TotpMethod;
    cookie: CookieSettings;
    rateLimiter: RateLimiter;
    authRateLimit: Omit<RateLimitRule, 'name'>;
    hashing: AdmissionGate;
  },
): void {
  const signedIn = (started: StartedSession) => ({
    mfaRequired: false as const,
    passwordChangeRequired: started.passwordChangeRequired,
    tenant: { id: started.tenant.id, name: started.tenant.name },
  });

  app.post(
    '/api/v1/auth/login',
    {
      onRequest: [rateLimit(deps.rateLimiter, { name: 'login', ...deps.authRateLimit }), deps.hashing.enter],
      ...behind(deps.hashing),
      schema: {
        tags: ['sign-in'],
        summary: 'Sign in with username and password (and, to lift a lockout, the unlock code an administrator read out); sets the session cookie, or answers a challenge for the second step (no cookie)',
        description:
          'A user with TOTP gets `{mfaRequired:true, challenge}`; a user whose role must use MFA and has none gets `{mfaEnrolmentRequired:true, challenge}` (and `mfaRequired:true`). The challenge is single use, lives 5 minutes, and is only accepted by `/api/v1/auth/login/mfa` and `/api/v1/auth/login/mfa/enrolment`.',
        body: loginBodySchema,
        response: {
          200: loginResponseSchema,
          ...errorResponses,
          403: errorBodySchema.describe('PRESENCE_REASON_LIST_REQUIRED (the right password, but the role uses presence and the user has no presence reason list of their own nor a tenant default: no session), CSRF_REJECTED'),
          ...rateLimitedResponse,
        },
      },
      // A body refused at the edge is still a sign-in attempt: counted by the rate limit above (onRequest) and audited here.
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError !== undefined) {
        const body: unknown = request.body;
        const username = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).username : undefined;
        await deps.password.recordRefusedInput(username, requestMeta(request));
        throw validationFailed(request.validationError);
      }
      const outcome = await deps.password.signIn(request.body.username, request.body.password, requestMeta(request), { unlockCode: request.body.unlockCode });
      void reply.header('cache-control', 'no-store');
      if (outcome.kind === 'second-step') {
        return reply.send(
          outcome.enrolment
            ? { mfaRequired: true as const, mfaEnrolmentRequired: true as const, challenge: outcome.challenge, allowedPeriods: outcome.allowedPeriods }
            : { mfaRequired: true as const, mfaEnrolmentRequired: false as const, challenge: outcome.challenge },
        );
      }
      setSessionCookie(reply, deps.cookie, outcome.session.token);
      return reply.send(signedIn(outcome.session));
    },
  );

  app.post(
    '/api/v1/auth/login/mfa',
    {
      onRequest: [rateLimit(deps.rateLimiter, { name: 'login-mfa', ...deps.authRateLimit })],
      schema: {
        tags: ['sign-in'],
        summary: 'Complete a sign-in with the challenge and a code (six digits, or one recovery code); sets the session cookie',
        description:
          'Wrong and missing codes count toward the same lockout as wrong passwords; a code is accepted once, within one time step of the server clock. After a forced enrolment (`/login/mfa/enrolment`) the first valid code enrols the authenticator and the answer holds the ten recovery codes, once.',
        body: loginMfaBodySchema,
        response: { 200: loginMfaResponseSchema, ...errorResponses, ...secondStepErrors, ...rateLimitedResponse },
      },
      // A missing code is still an attempt at the challenge: counted toward the lockout (and audited) like a wrong one.
      attachValidation: true,
    },
    async (request, reply) => {
      let challenge = request.body?.challenge;
      let code: string | undefined = request.body?.code;
      if (request.validationError !== undefined) {
        const body: unknown = request.body;
        const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
        const named = mfaChallengeSchema.safeParse(fields.challenge);
        if (!named.success || (fields.code !== undefined && typeof fields.code !== 'string') || Object.keys(fields).some((key) => key !== 'challenge' && key !== 'code')) {
          throw validationFailed(request.validationError);
        }
        challenge = named.data;
        code = typeof fields.code === 'string' ? fields.code : undefined;
        // A code that is a string yet refused at the edge (too long, control characters) is a wrong code.
        if (code !== undefined) code = '';
      }
      const completed = await deps.totp.complete(challenge, code, requestMeta(request));
      setSessionCookie(reply, deps.cookie, completed.session.token);
      return reply
        .header('cache-control', 'no-store')
        .send({ ...signedIn(completed.session), ...(completed.recoveryCodes === undefined ? {} : { recoveryCodes: completed.recoveryCodes }) });
    },
  );

  app.post(
    '/api/v1/auth/login/mfa/enrolment',
    {
      onRequest: [rateLimit(deps.rateLimiter, { name: 'login-mfa', ...deps.authRateLimit })],
      schema: {
        tags: ['sign-in'],
        summary: 'Forced enrolment at sign-in: the TOTP secret (generated, or typed) for the challenge of `{mfaEnrolmentRequired:true}`',
        description: 'Nothing is active yet: the next `/api/v1/auth/login/mfa` with the same challenge and a valid code enrols and signs in.',
        body: loginMfaEnrolmentBodySchema,
        response: { 200: totpEnrolmentSchema, ...errorResponses, ...enrolmentErrors, ...rateLimitedResponse },
      },
    },
    async (request, reply) => {
      const enrolment = await deps.totp.startEnrolment(request.body.challenge, { secret: request.body.secret, period: request.body.period }, requestMeta(request));
      return reply.header('cache-control', 'no-store').send(enrolment);
    },
  );
}
