import { useIntl } from 'react-intl';

/** A quiet placeholder while data loads; announced politely to screen readers. */
export function Loading({ label }: { label?: string }) {
  const intl = useIntl();
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? intl.formatMessage({ id: 'app.loading' })}</span>
    </div>
  );
}
