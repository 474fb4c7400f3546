import { Readable } from 'node:stream';
import { importJobAcceptedSchema, importJobQuerySchema, importJobSchema, userImportMaxBytes, userImportMaxRows } from '@lanyard/contracts/admin';
import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { edgeValidatorCompiler } from '../http/input-edge.ts';
import { errorResponses, signedInSecurity } from '../http/openapi.ts';
import { AppError, isAppError } from '../errors/app-error.ts';
import { csvLine } from '../kernel/csv.ts';
import type { ImportRow } from './user-imports.ts';
import type { UserImportsService } from './user-imports-service.ts';

/**
 * The CSV body reaches the handler as the request stream itself (its content-type parser hands it on),
 * so it is read row by row rather than held whole; the other parts are validated as everywhere else.
 */
const streamedBodyValidator: FastifySchemaCompiler<unknown> = (route) => (route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : edgeValidatorCompiler(route as never));

function rowView(row: ImportRow) {
  return {
    line: row.line,
    username: row.username,
    outcome: row.state === 'invited' ? ('invited' as const) : ('failed' as const),
    error: row.error === null ? null : row.error.field === undefined ? { code: row.error.code } : { code: row.error.code, field: row.error.field },
  };
}

const reportHeader = csvLine(['line', 'username', 'outcome', 'errorCode', 'errorField']);

export function registerUserImportRoutes(app: App, deps: { userImports: UserImportsService; guards: Guards }): void {
  void app.register(async (scope: App) => {
    // Only in this scope: every other route keeps refusing text/csv.
    scope.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

    scope.post(
      '/api/v1/admin/users/import',
      {
        preHandler: deps.guards.permission('users.invite'),
        validatorCompiler: streamedBodyValidator,
        schema: {
          tags: ['administration'],
          summary: 'Invite many users from a CSV file; the invitations are made in the background',
          description: [
            'The body is `text/csv` in UTF-8 whose first line is exactly `username,email,firstName,lastName,role,team`; role and team are',
            'names in the tenant (the team may be empty). The file is read and checked row by row as it arrives: at most',
            `${userImportMaxBytes / 1024 / 1024} MiB and ${userImportMaxRows.toLocaleString('en')} rows. A wrong header, a file that is not CSV in`,
            'UTF-8, or one too large refuses the whole file and stores nothing; a bad row fails on its own with a coded reason',
            '(IMPORT_ROW_COLUMNS, IMPORT_ROW_INVALID with the column, ROLE_NOT_FOUND, TEAM_NOT_FOUND, ROLE_NOT_GRANTABLE,',
            'IMPORT_DUPLICATE_USERNAME for a username on an earlier row, USERNAME_TAKEN for one already in the directory) and the job goes on.',
            'Invitations are sent at a bounded rate (LANYARD_IMPORT_ROWS_PER_SECOND); the job survives a restart.',
          ].join(' '),
          security: signedInSecurity,
          consumes: ['text/csv'],
          body: z.string().describe('CSV: username,email,firstName,lastName,role,team'),
          response: {
            202: importJobAcceptedSchema,
            ...errorResponses,
            413: errorBodySchema.describe('PAYLOAD_TOO_LARGE, IMPORT_TOO_MANY_ROWS'),
            415: errorBodySchema.describe('UNSUPPORTED_MEDIA_TYPE: the body must be text/csv in UTF-8'),
            422: errorBodySchema.describe('IMPORT_HEADER_INVALID, IMPORT_CSV_MALFORMED'),
          },
        },
      },
      async (request, reply) => {
        const body: unknown = request.body;
        if (!(body instanceof Readable)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { details: { expected: 'text/csv' } });
        const length = Number(request.headers['content-length'] ?? 0);
        try {
          if (length > userImportMaxBytes) throw new AppError('PAYLOAD_TOO_LARGE', { details: { maxBytes: userImportMaxBytes } });
          const accepted = await deps.userImports.startImport(principalOf(request), body, { ip: request.ip });
          return await reply.status(202).send(accepted);
        } catch (error) {
          // Past the limit the rest of the body is not worth reading: the connection ends after the answer.
          if (isAppError(error, 'PAYLOAD_TOO_LARGE')) void reply.header('connection', 'close');
          throw error;
        }
      },
    );
  });

  const jobParams = z.object({ jobId: idSchema });

  app.get(
    '/api/v1/admin/users/import/:jobId',
    {
      preHandler: deps.guards.permission('users.invite'),
      schema: {
        tags: ['administration'],
        summary: "An import's progress and a page of its processed rows, in line order (the full report is report.csv)",
        security: signedInSecurity,
        params: jobParams,
        querystring: importJobQuerySchema,
        response: { 200: importJobSchema, ...errorResponses, 404: errorBodySchema.describe('IMPORT_JOB_NOT_FOUND') },
      },
    },
    async (request) => {
      const { job, rows, nextCursor } = await deps.userImports.getJob(principalOf(request).tenantId, request.params.jobId, request.query);
      return {
        state: job.state === 'done' ? ('done' as const) : ('running' as const),
        total: job.total,
        processed: job.processed,
        succeeded: job.succeeded,
        failed: job.failed,
        rows: rows.map(rowView),
        nextCursor,
      };
    },
  );

  app.get(
    '/api/v1/admin/users/import/:jobId/report.csv',
    {
      preHandler: deps.guards.permission('users.invite'),
      schema: {
        tags: ['administration'],
        summary: "Every row of an import as CSV (line, username, outcome, errorCode, errorField), streamed; rows not yet processed say 'pending'",
        description: 'Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) are prefixed with a single quote.',
        security: signedInSecurity,
        params: jobParams,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV with a header line'), ...errorResponses, 404: errorBodySchema.describe('IMPORT_JOB_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const { jobId } = request.params;
      const batches = await deps.userImports.reportBatches(principalOf(request).tenantId, jobId);
      async function* lines(): AsyncGenerator<string> {
        yield reportHeader;
        for await (const rows of batches) yield rows.map((row) => csvLine([row.line, row.username, row.state, row.error?.code, row.error?.field])).join('');
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="user-import-${jobId}.csv"`)
        .send(Readable.from(lines()) as never);
    },
  );
}
