import { errorCodes } from './error-codes.ts';

/** Renders docs/errors.md from the catalogue; a test keeps the committed file identical. */
export function renderErrorDocs(): string {
  const rows = Object.entries(errorCodes).map(([code, entry]: [string, { status: number; alsoStatus?: readonly number[]; message: string }]) => {
    const statuses = [entry.status, ...(entry.alsoStatus ?? [])].join(', ');
    return `| \`${code}\` | ${statuses} | ${entry.message} |`;
  });
  return [
    '# Error codes',
    '',
    '<!-- Generated from contracts/src/error-codes.ts by `npm run docs:errors`. Do not edit by hand. -->',
    '',
    'Every error answer has the same body:',
    '',
    '```json',
    '{ "error": { "code": "AUTH_INVALID_CREDENTIALS", "message": "…", "details": { }, "requestId": "…" } }',
    '```',
    '',
    '- `code` is stable: clients branch on it. Codes are never renamed or reused.',
    '- `message` is for people and may change.',
    '- `details` is present when there is more to say (for example `failedRules` with `PASSWORD_POLICY_VIOLATED`,',
    '  `fields` with `VALIDATION_FAILED`).',
    '- `requestId` matches the `x-request-id` response header and the `reqId` in the server log.',
    '',
    'Security answers are deliberately coarse: an unknown user, a wrong password and an account that is not',
    'active all answer `AUTH_INVALID_CREDENTIALS`.',
    '',
    '`VALIDATION_FAILED` is also the answer to any string that holds a control character (C0 or C1), NUL or an',
    'unpaired surrogate, and to a display name (person, team, role or tenant name, access-key description) that',
    'holds a bidirectional control or an invisible formatting character. A JSON or form body whose `Content-Type`',
    'names a charset other than UTF-8 is `UNSUPPORTED_MEDIA_TYPE`. Requests refused before a route is found',
    '(`URI_TOO_LONG`, `MALFORMED_URL`) and by the HTTP parser itself (`HEADERS_TOO_LARGE`, `MALFORMED_REQUEST`,',
    '`REQUEST_TIMEOUT`; the connection is closed after the answer) have the same body and a `requestId`. The OAuth',
    'endpoints (`/oauth/token`, `/oauth/introspect`) answer RFC 6749 errors (`{"error":"invalid_request"}`) instead.',
    '',
    'A code answers one HTTP status, except `MFA_CODE_INVALID`: 422 where a signed-in person confirms an',
    'enrolment (`POST /api/v1/me/mfa/totp/confirm`) and 401 at sign-in (`POST /api/v1/auth/login/mfa`), where',
    'it refuses a credential as `AUTH_INVALID_CREDENTIALS` does.',
    '',
    '| code | HTTP status | message |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
