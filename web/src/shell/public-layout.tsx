import { Outlet } from 'react-router';
import { StatementLink } from '../ui/statement-link.tsx';
import { LanyardMark } from '../ui/icons.tsx';
import { useIntl } from 'react-intl';

/** Pages for people who are not signed in: a quiet header and a centred card. */
export function PublicLayout() {
  const intl = useIntl();
  return (
    <div className="page page-public">
      <header className="public-header">
        <span className="brand">
          <LanyardMark />
          <span className="brand-name">{intl.formatMessage({ id: 'app.brand' })}</span>
        </span>
      </header>
      <main id="main" tabIndex={-1} className="public-main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <StatementLink />
      </footer>
    </div>
  );
}
