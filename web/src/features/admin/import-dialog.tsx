import { userImportHeader } from '@lanyard/contracts/admin';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Dialog, FileTrigger, Heading, Label, ProgressBar } from 'react-aria-components';
import { Button, buttonClass } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import type { ImportRowReport } from '@lanyard/contracts/admin';
import { fetchImportJob, importJobQueryKey, importReportUrl, nextReportLine, startImport, teamsQueryKey, usersQueryKey } from '../../api/admin.ts';
import { messageForCode, messageForError } from '../../ui/error-message.ts';
import { AlertRegion, Message } from '../../ui/message.tsx';

/** How often the job is asked about while it runs. */
const pollMs = 1000;
const reportPageSize = 100;

/**
 * Import CSV: pick a file (`username,email,firstName,lastName,role,team`), upload it, watch a progress bar
 * while the server invites row by row, then read the per-row report and download it as CSV.
 */
export function ImportDialog({ onDone }: { onDone: () => void }) {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);

  const upload = useMutation({
    mutationFn: (chosen: File) => startImport(chosen),
    onSuccess: (answer) => setJobId(answer.jobId),
  });
  const job = useQuery({
    queryKey: importJobQueryKey(jobId ?? ''),
    queryFn: ({ signal }) => fetchImportJob(jobId ?? '', { limit: reportPageSize }, signal),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data?.state === 'done' ? false : pollMs),
    staleTime: 0,
  });
  const done = job.data?.state === 'done';
  // Rows beyond the first page of the report, fetched on request.
  const [moreRows, setMoreRows] = useState<{ rows: ImportRowReport[]; next: number | null } | null>(null);
  const more = useMutation({
    mutationFn: (cursor: number) => fetchImportJob(jobId ?? '', { cursor, limit: reportPageSize }),
    onSuccess: (page) => setMoreRows({ rows: [...(moreRows?.rows ?? []), ...page.rows], next: nextReportLine(page) }),
  });
  const rows = [...(job.data?.rows ?? []), ...(moreRows?.rows ?? [])];
  const nextLine = moreRows === null ? (job.data === undefined ? null : nextReportLine(job.data)) : moreRows.next;
  useEffect(() => {
    // The directory changed: the list behind the dialog shows the invited people.
    if (!done) return;
    void queryClient.invalidateQueries({ queryKey: usersQueryKey });
    void queryClient.invalidateQueries({ queryKey: teamsQueryKey });
  }, [done, queryClient]);

  const reasonOf = (error: { code: string; field?: string | undefined }) => {
    const reason = messageForCode(intl, error.code, error.code);
    return error.field === undefined ? reason : intl.formatMessage({ id: 'import.reasonField' }, { reason, field: error.field });
  };
  const columns = {
    line: intl.formatMessage({ id: 'import.column.line' }),
    username: intl.formatMessage({ id: 'import.column.username' }),
    outcome: intl.formatMessage({ id: 'import.column.outcome' }),
    reason: intl.formatMessage({ id: 'import.column.reason' }),
  };

  return (
    <Dialog className="dialog" aria-labelledby="import-heading">
      <Heading slot="title" id="import-heading" className="dialog-title">
        {intl.formatMessage({ id: 'import.heading' })}
      </Heading>
      {jobId === null ? (
        <>
          <p>{intl.formatMessage({ id: 'import.intro' })}</p>
          <p>
            <code className="identifier">{userImportHeader.join(',')}</code>
          </p>
          <p className="muted small">{intl.formatMessage({ id: 'import.rolesByName' })}</p>
          <div className="file-pick">
            <FileTrigger
              acceptedFileTypes={['.csv', 'text/csv']}
              onSelect={(files) => {
                const chosen = files?.[0];
                if (chosen !== undefined) setFile(chosen);
              }}
            >
              <Button>{intl.formatMessage({ id: 'import.choose' })}</Button>
            </FileTrigger>
            <span className="muted" data-field="chosen-file">
              {file === null ? intl.formatMessage({ id: 'import.noFile' }) : intl.formatMessage({ id: 'import.chosen' }, { name: file.name, size: file.size })}
            </span>
          </div>
          <AlertRegion message={upload.isError ? { tone: 'error', title: messageForError(intl, upload.error) } : null} />
          <div className="form-actions">
            <Button
              variant="primary"
              isDisabled={file === null}
              onPress={() => {
                if (file !== null && !upload.isPending) upload.mutate(file);
              }}
            >
              {intl.formatMessage({ id: 'import.upload' })}
            </Button>
            <Button onPress={onDone}>
              {intl.formatMessage({ id: 'app.cancel' })}
            </Button>
            {upload.isPending && <span className="muted">{intl.formatMessage({ id: 'import.uploading' })}</span>}
          </div>
        </>
      ) : job.isError ? (
        <>
          <Message tone="error" title={intl.formatMessage({ id: 'import.loadFailed' })}>
            <p>{messageForError(intl, job.error)}</p>
          </Message>
          <div className="form-actions">
            <Button onPress={() => void job.refetch()}>
              {intl.formatMessage({ id: 'app.tryAgain' })}
            </Button>
            <Button onPress={onDone}>
              {intl.formatMessage({ id: 'app.close' })}
            </Button>
          </div>
        </>
      ) : (
        <>
          <ProgressBar
            className="progress"
            value={job.data?.processed ?? 0}
            minValue={0}
            maxValue={Math.max(job.data?.total ?? 0, 1)}
            isIndeterminate={job.data === undefined || (job.data.total === 0 && !done)}
            valueLabel={
              job.data === undefined ? intl.formatMessage({ id: 'import.starting' }) : intl.formatMessage({ id: 'import.progress' }, { processed: job.data.processed, total: job.data.total })
            }
          >
            {({ percentage, valueText }) => (
              <>
                <div className="progress-labels">
                  <Label className="field-label">{intl.formatMessage({ id: done ? 'import.finished' : 'import.running' })}</Label>
                  <span className="progress-value">{valueText}</span>
                </div>
                <div className="progress-track">
                  <div className="progress-fill" style={{ width: `${percentage ?? 0}%` }} />
                </div>
              </>
            )}
          </ProgressBar>
          {job.data !== undefined && (
            <p role="status" className="import-summary">
              {intl.formatMessage({ id: 'import.summary' }, { succeeded: job.data.succeeded, failed: job.data.failed })}
            </p>
          )}
          {done && job.data !== undefined && (
            <>
              {rows.length > 0 && (
                <div className="table-scroll report-scroll" tabIndex={0} role="region" aria-label={intl.formatMessage({ id: 'import.report' })}>
                  <table className="data-table" role="table">
                    <caption className="visually-hidden">{intl.formatMessage({ id: 'import.report' })}</caption>
                    <thead role="rowgroup">
                      <tr role="row">
                        <th scope="col" role="columnheader">{columns.line}</th>
                        <th scope="col" role="columnheader">{columns.username}</th>
                        <th scope="col" role="columnheader">{columns.outcome}</th>
                        <th scope="col" role="columnheader">{columns.reason}</th>
                      </tr>
                    </thead>
                    <tbody role="rowgroup">
                      {rows.map((row) => (
                        <tr key={row.line} role="row" data-line={row.line} data-outcome={row.outcome}>
                          <td role="cell">{row.line}</td>
                          <td role="cell">{row.username}</td>
                          <td role="cell">
                            <span className={`badge badge-${row.outcome === 'invited' ? 'success' : 'failure'}`}>{intl.formatMessage({ id: `import.outcome.${row.outcome}` })}</span>
                          </td>
                          <td role="cell">{row.error === null ? '' : reasonOf(row.error)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <div className="form-actions">
                {nextLine !== null && (
                  <Button onPress={() => more.mutate(nextLine)} isPending={more.isPending}>
                    {intl.formatMessage({ id: 'import.moreRows' })}
                  </Button>
                )}
                <a className={buttonClass()} href={importReportUrl(jobId)} download>
                  {intl.formatMessage({ id: 'import.download' })}
                </a>
                <Button variant="primary" onPress={onDone}>
                  {intl.formatMessage({ id: 'app.close' })}
                </Button>
              </div>
            </>
          )}
          {!done && (
            <div className="form-actions">
              <Button onPress={onDone}>
                {intl.formatMessage({ id: 'import.closeRunning' })}
              </Button>
            </div>
          )}
        </>
      )}
    </Dialog>
  );
}
