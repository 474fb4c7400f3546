import { useEffect, useRef } from 'react';
import { RouterProvider as AriaRouterProvider } from 'react-aria-components';
import { Outlet, useHref, useLocation, useNavigate } from 'react-router';
import { useIntl } from 'react-intl';

/** Moves focus to the new page's main heading when the person goes to another page (not another tab). */
function useFocusOnPageChange() {
  const { pathname } = useLocation();
  const previousPage = useRef<string | null>(null);
  useEffect(() => {
    const page = pathname.split('/')[1] ?? '';
    const changed = previousPage.current !== null && previousPage.current !== page;
    previousPage.current = page;
    if (!changed) return;
    const frame = requestAnimationFrame(() => {
      const target = document.querySelector<HTMLElement>('main h1') ?? document.getElementById('main');
      target?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [pathname]);
}

function SkipLink() {
  const intl = useIntl();
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(event) => {
        // Handle it here: a hash change would otherwise go through the router.
        event.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      {intl.formatMessage({ id: 'app.skipLink' })}
    </a>
  );
}

/** The root of every page: client-side routing for React Aria links, the skip link, focus handling. */
export function RootLayout() {
  const navigate = useNavigate();
  useFocusOnPageChange();
  return (
    <AriaRouterProvider navigate={(path) => void navigate(path)} useHref={useHref}>
      <SkipLink />
      <Outlet />
    </AriaRouterProvider>
  );
}
