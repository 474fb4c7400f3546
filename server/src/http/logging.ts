import type { IncomingMessage } from 'node:http';

/**
 * What never reaches a log line: credentials in headers and bodies, and tokens in URLs (first-access and
 * reset links carry a secret in their path).
 */
export const logRedactPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessKeySecret',
  '*.client_secret',
];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const opaque = /^[A-Za-z0-9_-]{32,}$/;

/** Replaces long opaque path segments (link tokens, 43 characters) with a placeholder; ids stay readable. */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const [pathPart = '', query] = url.split('?', 2);
  const redactedPath = pathPart
    .split('/')
    .map((segment) => (opaque.test(segment) && !uuid.test(segment) ? '[redacted]' : segment))
    .join('/');
  return query === undefined ? redactedPath : `${redactedPath}?[redacted]`;
}

export const logSerializers = {
  req(request: IncomingMessage & { id?: string; ip?: string }) {
    return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip ?? request.socket?.remoteAddress };
  },
};
