import { Link, useLocation } from 'react-router';
import { useIntl } from 'react-intl';
import { sectionOfPath, visibleAdminSections } from './admin-pages.tsx';

/** Administration's pages the person may use, as a navigation landmark below the top bar. */
export function AdminNav({ permissions }: { permissions: readonly string[] }) {
  const intl = useIntl();
  const { pathname } = useLocation();
  const sections = visibleAdminSections(permissions);
  if (sections.length === 0) return null;
  const current = sectionOfPath(pathname);
  return (
    <nav className="admin-nav" aria-label={intl.formatMessage({ id: 'nav.label' })}>
      <span className="admin-nav-title" aria-hidden="true">
        {intl.formatMessage({ id: 'nav.label' })}
      </span>
      <ul className="admin-nav-list">
        {sections.map((section) => (
          <li key={section.key}>
            <Link
              to={section.path}
              className="admin-nav-link"
              aria-current={current?.key === section.key ? 'page' : undefined}
              data-current={current?.key === section.key ? 'true' : undefined}
            >
              {intl.formatMessage({ id: section.label })}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
