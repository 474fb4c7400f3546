import { downloadCreateSchema, downloadListSchema, downloadPatchSchema, downloadSchema, downloadUploadedSchema } from '@lanyard/contracts/account';
import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import type { FastifySchemaCompiler } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError, isAppError } from '../errors/app-error.ts';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { edgeValidatorCompiler } from '../http/input-edge.ts';
import { errorResponses, noContent, signedInSecurity } from '../http/openapi.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { DownloadsService } from './downloads-service.ts';
import { contentDisposition, decideRange, etagOf, matchesEtag, type DownloadRecord } from './downloads.ts';

const idParams = z.object({ id: idSchema });

function view(record: DownloadRecord) {
  return {
    id: record.id,
    name: record.name,
    version: record.version,
    platform: record.platform,
    fileName: record.fileName,
    sizeBytes: record.file?.sizeBytes ?? null,
    sha256: record.file?.sha256 ?? null,
    instructionsUrl: record.instructionsUrl,
    downloadUrl: record.file === null ? null : `/api/v1/downloads/${record.id}/file`,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** The body of an upload is the raw stream: the schema documents it, nothing reads it whole. */
const streamedBodyValidator: FastifySchemaCompiler<unknown> = (route) => (route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : edgeValidatorCompiler(route as never));

/** Support and Downloads: the list and the files (support.downloads.view), the catalogue's administration (downloads.manage). */
export function registerDownloadRoutes(app: App, deps: { downloads: DownloadsService; guards: Guards }): void {
  const canView = deps.guards.permission('support.downloads.view');
  const manage = deps.guards.permission('downloads.manage');

  app.get(
    '/api/v1/downloads',
    {
      preHandler: canView,
      schema: {
        tags: ['downloads'],
        summary: 'Support and Downloads: the applications of my tenant (name, version, platform, size, SHA-256, instructions, download link)',
        description: 'Needs support.downloads.view. An entry without an uploaded file has null size, hash and downloadUrl.',
        security: signedInSecurity,
        response: { 200: downloadListSchema, ...errorResponses },
      },
    },
    async (request) => ({ items: (await deps.downloads.list(principalOf(request).tenantId)).map(view) }),
  );

  app.get(
    '/api/v1/downloads/:id/file',
    {
      preHandler: canView,
      schema: {
        tags: ['downloads'],
        summary: 'Download the file of an entry, streamed from storage; resumable with Range',
        description: [
          'Answers Content-Length, ETag (the SHA-256), Accept-Ranges: bytes and Content-Disposition. `Range: bytes=a-b`, `a-` or',
          '`-n` → 206 with Content-Range; a range outside the file → 416 RANGE_NOT_SATISFIABLE with `Content-Range: bytes */size`;',
          'If-None-Match naming the ETag → 304; If-Range with another validator → the whole file.',
        ].join(' '),
        security: signedInSecurity,
        params: idParams,
        produces: ['application/octet-stream'],
        response: {
          200: z.string().describe('The file'),
          206: z.string().describe('The requested byte range'),
          304: noContent,
          ...errorResponses,
          404: errorBodySchema.describe('DOWNLOAD_NOT_FOUND, DOWNLOAD_FILE_MISSING'),
          416: errorBodySchema.describe('RANGE_NOT_SATISFIABLE'),
        },
      },
    },
    async (request, reply) => {
      const tenantId = principalOf(request).tenantId;
      const record = await deps.downloads.get(tenantId, request.params.id);
      if (record.file === null) throw new AppError('DOWNLOAD_FILE_MISSING');
      const { sizeBytes, sha256 } = record.file;
      const etag = etagOf(sha256);
      void reply.header('etag', etag).header('accept-ranges', 'bytes').header('cache-control', 'private, no-cache');
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.status(304).send(null);
      const ifRange = request.headers['if-range'];
      const rangeHeader = ifRange === undefined || ifRange === etag ? request.headers.range : undefined;
      const range = decideRange(rangeHeader, sizeBytes);
      if (range.kind === 'unsatisfiable') {
        throw new AppError('RANGE_NOT_SATISFIABLE', { headers: { 'content-range': `bytes */${sizeBytes}` }, details: { sizeBytes } });
      }
      void reply.header('content-type', 'application/octet-stream').header('content-disposition', contentDisposition(record.fileName));
      if (range.kind === 'partial') {
        const stream = await deps.downloads.open(tenantId, record, range);
        return reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${sizeBytes}`)
          .header('content-length', String(range.end - range.start + 1))
          .send(stream as never);
      }
      const stream = await deps.downloads.open(tenantId, record);
      return reply.header('content-length', String(sizeBytes)).send(stream as never);
    },
  );

  app.post(
    '/api/v1/admin/downloads',
    {
      preHandler: manage,
      schema: {
        tags: ['downloads'],
        summary: 'Add an application to Support and Downloads (its file is uploaded next)',
        description: 'Needs downloads.manage. `fileName` (what the file is saved as) must be a plain name: DOWNLOAD_FILE_NAME_INVALID otherwise; by default name-version.',
        security: signedInSecurity,
        body: downloadCreateSchema,
        response: { 201: downloadSchema, ...errorResponses, 422: errorBodySchema.describe('DOWNLOAD_FILE_NAME_INVALID') },
      },
    },
    async (request, reply) => reply.status(201).send(view(await deps.downloads.create(principalOf(request), request.body, requestMeta(request)))),
  );

  app.patch(
    '/api/v1/admin/downloads/:id',
    {
      preHandler: manage,
      schema: {
        tags: ['downloads'],
        summary: 'Change an entry of Support and Downloads',
        security: signedInSecurity,
        params: idParams,
        body: downloadPatchSchema,
        response: { 200: downloadSchema, ...errorResponses, 404: errorBodySchema.describe('DOWNLOAD_NOT_FOUND'), 422: errorBodySchema.describe('DOWNLOAD_FILE_NAME_INVALID') },
      },
    },
    async (request) => view(await deps.downloads.update(principalOf(request), request.params.id, request.body, requestMeta(request))),
  );

  app.delete(
    '/api/v1/admin/downloads/:id',
    {
      preHandler: manage,
      schema: {
        tags: ['downloads'],
        summary: 'Remove an entry of Support and Downloads and its file',
        security: signedInSecurity,
        params: idParams,
        response: { 204: noContent, ...errorResponses, 404: errorBodySchema.describe('DOWNLOAD_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      await deps.downloads.remove(principalOf(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  void app.register(async (scope: App) => {
    // Only in this scope: the raw body is handed over as the stream it is, never buffered.
    scope.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

    scope.put(
      '/api/v1/admin/downloads/:id/file',
      {
        preHandler: manage,
        validatorCompiler: streamedBodyValidator,
        schema: {
          tags: ['downloads'],
          summary: 'Upload the file of an entry: the raw body, streamed to storage, its SHA-256 computed on the way',
          description: `Needs downloads.manage. Body: application/octet-stream. Never held in memory whole; at most LANYARD_DOWNLOADS_MAX_BYTES (413 DOWNLOAD_TOO_LARGE, nothing kept). Replaces an earlier file.`,
          security: signedInSecurity,
          consumes: ['application/octet-stream'],
          params: idParams,
          body: z.string().describe('The file (application/octet-stream)'),
          response: {
            200: downloadUploadedSchema,
            ...errorResponses,
            404: errorBodySchema.describe('DOWNLOAD_NOT_FOUND'),
            413: errorBodySchema.describe('DOWNLOAD_TOO_LARGE'),
            415: errorBodySchema.describe('UNSUPPORTED_MEDIA_TYPE: the body must be application/octet-stream'),
          },
        },
      },
      async (request, reply) => {
        const body: unknown = request.body;
        if (!(body instanceof Readable)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { details: { expected: 'application/octet-stream' } });
        const declared = Number(request.headers['content-length'] ?? 0);
        try {
          if (declared > deps.downloads.maxBytes) throw new AppError('DOWNLOAD_TOO_LARGE', { details: { maxBytes: deps.downloads.maxBytes } });
          return await reply.send(await deps.downloads.upload(principalOf(request), request.params.id, body, requestMeta(request)));
        } catch (error) {
          // Past the limit the rest of the body is not worth reading: the connection ends after the answer.
          if (isAppError(error, 'DOWNLOAD_TOO_LARGE')) void reply.header('connection', 'close');
          throw error;
        }
      },
    );
  });
}
