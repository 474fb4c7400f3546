import type { AuditEventView } from '@lanyard/contracts/api';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Dialog, Form, Heading } from 'react-aria-components';
import { Button, buttonClass } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { Link, useSearchParams } from 'react-router';
import { auditExportUrl, auditQueryKey, listAuditEvents, type AuditFilters } from '../../api/admin.ts';
import { useMe } from '../../session/me-context.ts';
import { DataTable } from '../../ui/data-table.tsx';
import { SelectField } from '../../ui/select-field.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { AdminPage, QueryState } from './admin-page.tsx';
import { UserPicker } from './user-picker.tsx';
import { DismissableModal } from '../../ui/dismissable-modal.tsx';

const pageSize = 50;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const actionPattern = /^[a-zA-Z.]+$/;

/** The filters a URL carries (`?userId=&action=&result=&from=&to=`), so a filtered view can be linked to. */
export function filtersFromSearch(search: URLSearchParams): AuditFilters {
  const result = search.get('result');
  const filters: AuditFilters = {};
  const userId = search.get('userId');
  if (userId !== null && uuidPattern.test(userId)) filters.userId = userId;
  const action = search.get('action');
  if (action !== null && actionPattern.test(action)) filters.action = action;
  if (result === 'success' || result === 'failure') filters.result = result;
  for (const key of ['from', 'to'] as const) {
    const value = search.get(key);
    if (value !== null && !Number.isNaN(Date.parse(value))) filters[key] = new Date(value).toISOString();
  }
  return filters;
}

/** `2026-12-01T10:30` (a datetime-local value, in the browser's time zone) from an ISO instant, and back. */
function toLocalInput(iso: string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function fromLocalInput(value: string): string | undefined {
  if (value === '') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Administration › Audit log (SPEC §3.9, `audit.view`): filters, keyset paging, details, export. */
export function AuditPage() {
  const intl = useIntl();
  return (
    <AdminPage
      title={intl.formatMessage({ id: 'auditLog.heading' })}
      eyebrow={intl.formatMessage({ id: 'admin.eyebrow' })}
      heading={intl.formatMessage({ id: 'auditLog.heading' })}
      permission="audit.view"
    >
      <AuditLog />
    </AdminPage>
  );
}

function AuditFiltersForm({ filters, onApply, mayViewUsers }: { filters: AuditFilters; onApply: (filters: AuditFilters) => void; mayViewUsers: boolean }) {
  const intl = useIntl();
  const [userId, setUserId] = useState(filters.userId ?? '');
  // With users.view the user is found by username or email (a picker); without it, by their User ID.
  const [userText, setUserText] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const userNotChosen = mayViewUsers && userText.trim() !== '' && userId === '';
  const [action, setAction] = useState(filters.action ?? '');
  const [result, setResult] = useState<string>(filters.result ?? 'any');
  const [from, setFrom] = useState(toLocalInput(filters.from));
  const [to, setTo] = useState(toLocalInput(filters.to));
  const userIdInvalid = userId.trim() !== '' && !uuidPattern.test(userId.trim());
  const actionInvalid = action.trim() !== '' && !actionPattern.test(action.trim());

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (userIdInvalid || actionInvalid || userNotChosen) return;
    const next: AuditFilters = {};
    if (userId.trim() !== '') next.userId = userId.trim();
    if (action.trim() !== '') next.action = action.trim();
    if (result === 'success' || result === 'failure') next.result = result;
    const fromIso = fromLocalInput(from);
    const toIso = fromLocalInput(to);
    if (fromIso !== undefined) next.from = fromIso;
    if (toIso !== undefined) next.to = toIso;
    onApply(next);
  }

  return (
    <Form className="filters" onSubmit={submit} aria-label={intl.formatMessage({ id: 'auditLog.filters' })}>
      {mayViewUsers ? (
        <UserPicker
          label={intl.formatMessage({ id: 'auditLog.filter.userPicker' })}
          description={intl.formatMessage({ id: 'auditLog.filter.userPickerHint' })}
          userId={userId}
          onChange={setUserId}
          onTextChange={setUserText}
          errorMessage={submitted && userNotChosen ? intl.formatMessage({ id: 'auditLog.filter.userNotChosen' }) : undefined}
        />
      ) : (
        <TextField
          label={intl.formatMessage({ id: 'auditLog.filter.user' })}
          name="userId"
          value={userId}
          onChange={setUserId}
          isIdentifier
          isInvalid={userIdInvalid}
          {...(userIdInvalid ? { errorMessage: intl.formatMessage({ id: 'auditLog.filter.userInvalid' }) } : {})}
          description={intl.formatMessage({ id: 'auditLog.filter.userHint' })}
        />
      )}
      <TextField
        label={intl.formatMessage({ id: 'auditLog.filter.action' })}
        name="action"
        value={action}
        onChange={setAction}
        isIdentifier
        isInvalid={actionInvalid}
        {...(actionInvalid ? { errorMessage: intl.formatMessage({ id: 'auditLog.filter.actionInvalid' }) } : {})}
        description={intl.formatMessage({ id: 'auditLog.filter.actionHint' })}
      />
      <SelectField
        label={intl.formatMessage({ id: 'auditLog.filter.result' })}
        placeholder={intl.formatMessage({ id: 'auditLog.result.any' })}
        options={[
          { id: 'any', name: intl.formatMessage({ id: 'auditLog.result.any' }) },
          { id: 'success', name: intl.formatMessage({ id: 'auditLog.result.success' }) },
          { id: 'failure', name: intl.formatMessage({ id: 'auditLog.result.failure' }) },
        ]}
        value={result}
        onChange={(value) => setResult(value ?? 'any')}
      />
      <TextField label={intl.formatMessage({ id: 'auditLog.filter.from' })} name="from" type="datetime-local" value={from} onChange={setFrom} />
      <TextField label={intl.formatMessage({ id: 'auditLog.filter.to' })} name="to" type="datetime-local" value={to} onChange={setTo} />
      <div className="form-actions filters-actions">
        <Button type="submit" variant="primary">
          {intl.formatMessage({ id: 'auditLog.apply' })}
        </Button>
        <Button
          onPress={() => {
            setUserId('');
            setUserText('');
            setAction('');
            setResult('any');
            setFrom('');
            setTo('');
            onApply({});
          }}
        >
          {intl.formatMessage({ id: 'auditLog.clear' })}
        </Button>
      </div>
    </Form>
  );
}

function AuditLog() {
  const intl = useIntl();
  const me = useMe();
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  const [details, setDetails] = useState<AuditEventView | null>(null);
  const events = useInfiniteQuery({
    queryKey: auditQueryKey(filters),
    queryFn: ({ pageParam, signal }) => listAuditEvents({ ...filters, before: pageParam, limit: pageSize }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // A log is opened to see what just happened: always ask for the newest events, never show a cached list alone.
    staleTime: 0,
  });
  const mayViewUsers = me.permissions.includes('users.view');
  const columns = {
    when: intl.formatMessage({ id: 'auditLog.column.when' }),
    action: intl.formatMessage({ id: 'auditLog.column.action' }),
    result: intl.formatMessage({ id: 'auditLog.column.result' }),
    actor: intl.formatMessage({ id: 'auditLog.column.actor' }),
    target: intl.formatMessage({ id: 'auditLog.column.target' }),
    ip: intl.formatMessage({ id: 'auditLog.column.ip' }),
    details: intl.formatMessage({ id: 'auditLog.column.details' }),
  };
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];
  const formatDate = (iso: string) => intl.formatDate(iso, { dateStyle: 'medium', timeStyle: 'medium' });

  return (
    <>
      <section className="panel-section" aria-labelledby="audit-filters-heading">
        <h2 id="audit-filters-heading">{intl.formatMessage({ id: 'auditLog.filters' })}</h2>
        <AuditFiltersForm
          key={search.toString()}
          filters={filters}
          mayViewUsers={mayViewUsers}
          onApply={(next) => {
            const params = new URLSearchParams();
            for (const [key, value] of Object.entries(next)) if (typeof value === 'string') params.set(key, value);
            setSearch(params);
          }}
        />
        <div className="export-links">
          <span className="muted">{intl.formatMessage({ id: 'auditLog.exportIntro' })}</span>
          <a className={buttonClass({ size: 'small' })} href={auditExportUrl(filters, 'csv')} download>
            {intl.formatMessage({ id: 'auditLog.exportCsv' })}
          </a>
          <a className={buttonClass({ size: 'small' })} href={auditExportUrl(filters, 'ndjson')} download>
            {intl.formatMessage({ id: 'auditLog.exportNdjson' })}
          </a>
        </div>
      </section>
      <section className="panel-section" aria-labelledby="audit-events-heading">
        <h2 id="audit-events-heading">{intl.formatMessage({ id: 'auditLog.events' })}</h2>
        {events.isPending || events.isError ? (
          <QueryState query={events} failedTitle={intl.formatMessage({ id: 'auditLog.loadFailed' })} />
        ) : items.length === 0 ? (
          <p>{intl.formatMessage({ id: 'auditLog.none' })}</p>
        ) : (
          <>
            <DataTable
              caption={{ id: 'auditLog.events' }}
              rows={items}
              rowKey={(event) => event.id}
              rowData={(event) => ({ 'data-audit-action': event.action, 'data-audit-result': event.result })}
              columns={[
                { key: 'when', header: 'auditLog.column.when', wide: true, cell: (event) => formatDate(event.occurredAt) },
                { key: 'action', header: 'auditLog.column.action', cell: (event) => <code className="identifier">{event.action}</code> },
                {
                  key: 'result',
                  header: 'auditLog.column.result',
                  cell: (event) => <span className={`badge badge-${event.result}`}>{intl.formatMessage({ id: `auditLog.result.${event.result}` })}</span>,
                },
                {
                  key: 'actor',
                  header: 'auditLog.column.actor',
                  wide: true,
                  cell: (event) =>
                    event.actorUserId === null ? (
                      <span className="muted">{intl.formatMessage({ id: 'auditLog.noActor' })}</span>
                    ) : mayViewUsers ? (
                      <Link to={`/admin/users/${event.actorUserId}`} className="identifier small">
                        {event.actorUserId}
                      </Link>
                    ) : (
                      <code className="identifier small">{event.actorUserId}</code>
                    ),
                },
                { key: 'ip', header: 'auditLog.column.ip', cell: (event) => event.ip ?? <span className="muted">{intl.formatMessage({ id: 'auditLog.noIp' })}</span> },
                {
                  key: 'details',
                  header: 'auditLog.column.details',
                  kind: 'actions',
                  cell: (event) => (
                    <Button size="small" aria-label={intl.formatMessage({ id: 'auditLog.detailsLabel' }, { action: event.action, when: formatDate(event.occurredAt) })} onPress={() => setDetails(event)}>
                      {intl.formatMessage({ id: 'auditLog.details' })}
                    </Button>
                  ),
                },
              ]}
            />
            <div className="pager">
              <span className="muted small" role="status">
                {intl.formatMessage({ id: 'auditLog.shown' }, { count: items.length })}
              </span>
              {events.hasNextPage && (
                // Not React Aria's isPending: its announcement outlives the press and leaves a nameless image behind.
                <Button onPress={() => void events.fetchNextPage()} isDisabled={events.isFetchingNextPage}>
                  {intl.formatMessage({ id: 'auditLog.loadMore' })}
                </Button>
              )}
              {events.isFetchingNextPage && <span className="muted small">{intl.formatMessage({ id: 'app.loading' })}</span>}
            </div>
          </>
        )}
      </section>
      <DismissableModal wide isOpen={details !== null} onClose={() => setDetails(null)}>
          <Dialog className="dialog">
            {details !== null && (
              <>
                <Heading slot="title" className="dialog-title">
                  {intl.formatMessage({ id: 'auditLog.detailsHeading' })}
                </Heading>
                <dl className="pairs">
                  <div>
                    <dt>{columns.when}</dt>
                    <dd>{formatDate(details.occurredAt)}</dd>
                  </div>
                  <div>
                    <dt>{columns.action}</dt>
                    <dd>
                      <code className="identifier">{details.action}</code>
                    </dd>
                  </div>
                  <div>
                    <dt>{columns.result}</dt>
                    <dd>{intl.formatMessage({ id: `auditLog.result.${details.result}` })}</dd>
                  </div>
                  <div>
                    <dt>{columns.actor}</dt>
                    <dd>{details.actorUserId ?? intl.formatMessage({ id: 'auditLog.noActor' })}</dd>
                  </div>
                  <div>
                    <dt>{columns.target}</dt>
                    <dd>{details.targetType === null ? intl.formatMessage({ id: 'auditLog.noTarget' }) : `${details.targetType} ${details.targetId ?? ''}`.trim()}</dd>
                  </div>
                  <div>
                    <dt>{columns.ip}</dt>
                    <dd>{details.ip ?? intl.formatMessage({ id: 'auditLog.noIp' })}</dd>
                  </div>
                  <div>
                    <dt>{intl.formatMessage({ id: 'auditLog.eventId' })}</dt>
                    <dd>
                      <code className="identifier small">{details.id}</code>
                    </dd>
                  </div>
                </dl>
                <h3 className="details-heading">{columns.details}</h3>
                <pre className="details-json" tabIndex={0} aria-label={columns.details}>
                  {JSON.stringify(details.details, null, 2)}
                </pre>
                <div className="form-actions">
                  <Button variant="primary" slot="close" autoFocus>
                    {intl.formatMessage({ id: 'app.close' })}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </DismissableModal>
    </>
  );
}
