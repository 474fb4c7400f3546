import { isRouteErrorResponse, useRouteError } from 'react-router';
import { PageTitle } from '../ui/page-title.tsx';

/** Last resort for errors thrown while rendering a page: say so plainly and offer a reload. */
export function RouteErrorPage() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : undefined;
  console.error(error);
  return (
    <div className="page page-public">
      <PageTitle title="Something went wrong" />
      <main id="main" tabIndex={-1} className="public-main">
        <div className="card card-narrow">
          <h1 tabIndex={-1}>Something went wrong</h1>
          <p>The console hit a problem showing this page. Reload the page to try again.</p>
          {detail !== undefined && <p className="muted">{detail}</p>}
          <p>
            <a className="button button-primary" href="/profile/general">
              Reload
            </a>
          </p>
        </div>
      </main>
    </div>
  );
}
