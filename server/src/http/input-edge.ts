import { holdsNulOrLoneSurrogate } from '@lanyard/contracts/common';
import type { FastifyRequest } from 'fastify';
import type { App } from './fastify-types.ts';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { AppError } from '../errors/app-error.ts';

/**
 * The edge every request input crosses before a handler sees it. The route schemas (contracts/src/common.ts)
 * refuse control characters and unpaired surrogates string by string; this is the floor under them: no
 * string anywhere in params, query or body (object keys included, passwords included) may hold NUL or a
 * lone surrogate, whatever its schema says, because storage cannot hold them.
 */

export interface EdgeIssue {
  keyword: 'edge';
  instancePath: string;
  schemaPath: string;
  message: string;
  params: Record<string, never>;
}

const issueMessage = 'Must not contain NUL characters or unpaired surrogates';

/** The JSON-pointer-like path of the first string (value or key) holding NUL or a lone surrogate. */
export function findRefusedString(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return holdsNulOrLoneSurrogate(value) ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findRefusedString(item, `${path}/${index}`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (holdsNulOrLoneSurrogate(key)) return `${path}/${JSON.stringify(key).slice(1, -1)}`;
    const found = findRefusedString(item, `${path}/${key}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The zod validator, behind the floor: the same validation-error shape, so the error handler answers VALIDATION_FAILED. */
export const edgeValidatorCompiler: typeof validatorCompiler = (route) => {
  const validate = validatorCompiler(route);
  return (data: unknown) => {
    const path = findRefusedString(data);
    if (path !== undefined) {
      const issue: EdgeIssue = { keyword: 'edge', instancePath: path, schemaPath: '#/edge', message: issueMessage, params: {} };
      return { error: [issue] };
    }
    return validate(data);
  };
};

const utf8Labels = new Set(['utf-8', 'utf8']);
const charsetParameter = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/** The charset a Content-Type names, lower-cased; undefined when it names none (which means UTF-8 for JSON and forms). */
export function charsetOf(contentType: string): string | undefined {
  const match = charsetParameter.exec(contentType);
  if (match === null) return undefined;
  return (match[1] ?? match[2] ?? '').toLowerCase();
}

/**
 * Bodies are read as UTF-8 only: a body that says it is in another charset (latin1, utf-16, …) is refused
 * with 415 before it is read, rather than silently decoded as UTF-8.
 */
export async function refuseForeignCharsets(request: FastifyRequest): Promise<void> {
  const contentType = request.headers['content-type'];
  if (contentType === undefined) return;
  const charset = charsetOf(contentType);
  if (charset !== undefined && !utf8Labels.has(charset)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { details: { charset: charset.slice(0, 40) } });
}

/**
 * A route with free-text query parameters (the user directory's `q`) refuses a query string whose
 * percent-encoding is not UTF-8 with `400 MALFORMED_URL`, as the path is: the query parser would otherwise
 * keep such a value as its raw characters and search for them.
 */
export async function refuseMalformedQuery(request: FastifyRequest): Promise<void> {
  const url = request.raw.url ?? '';
  const start = url.indexOf('?');
  if (start === -1) return;
  for (const part of url.slice(start + 1).split('&')) {
    try {
      decodeURIComponent(part.replaceAll('+', ' '));
    } catch {
      throw new AppError('MALFORMED_URL');
    }
  }
}

/** Decodes UTF-8 or throws: a byte sequence that is not UTF-8 is never turned into U+FFFD. A BOM stays (and JSON refuses it, as before). */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * JSON bodies must be UTF-8 (RFC 8259 §8.1). Fastify's own parser decodes leniently, so bytes that are not
 * UTF-8 inside a JSON string would reach the route, and storage, as U+FFFD: this parser decodes strictly
 * and refuses such a body with `400 MALFORMED_JSON` (`details.reason: "not-utf-8"`) before any route sees
 * it, then parses it exactly as Fastify does (prototype and constructor poisoning refused).
 */
export function registerStrictJsonParser(app: App): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(new AppError('MALFORMED_JSON', { details: { reason: 'not-utf-8' } }), undefined);
      return;
    }
    void parseJson(request, text, done);
  });
}
