import type { Permission } from '@lanyard/contracts/permissions';
import type { ReactNode } from 'react';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { messageForError } from '../../ui/error-message.ts';
import { useMe } from '../../session/me-context.ts';
import { Loading } from '../../ui/loading.tsx';
import { Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';

/**
 * The frame of an administration page: document title, eyebrow, heading, and either the page or, without
 * the permission, a note saying which permission it needs.
 */
export function AdminPage({
  title,
  eyebrow,
  heading,
  permission,
  children,
}: {
  title: string;
  eyebrow: string;
  heading: string;
  permission: Permission;
  children: ReactNode;
}) {
  const intl = useIntl();
  const me = useMe();
  const allowed = me.permissions.includes(permission);
  return (
    <div className="admin-page">
      <PageTitle title={intl.formatMessage({ id: 'admin.documentTitle' }, { page: title })} />
      <p className="eyebrow">{eyebrow}</p>
      <h1 tabIndex={-1}>{heading}</h1>
      {allowed ? (
        children
      ) : (
        <Message tone="info" title={intl.formatMessage({ id: 'admin.notAllowed' })}>
          <p>{intl.formatMessage({ id: 'admin.notAllowedBody' }, { permission })}</p>
        </Message>
      )}
    </div>
  );
}

/** Loading, or a failure with Try again, for a query of an administration page. */
export function QueryState({ query, loadingLabel, failedTitle }: { query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown }; loadingLabel?: string; failedTitle: string }) {
  const intl = useIntl();
  if (query.isPending) return <Loading {...(loadingLabel === undefined ? {} : { label: loadingLabel })} />;
  if (!query.isError) return null;
  return (
    <>
      <Message tone="error" title={failedTitle}>
        <p>{messageForError(intl, query.error)}</p>
      </Message>
      <div>
        <Button onPress={() => void query.refetch()}>
          {intl.formatMessage({ id: 'app.tryAgain' })}
        </Button>
      </div>
    </>
  );
}
