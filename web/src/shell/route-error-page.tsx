import { isRouteErrorResponse, useRouteError } from 'react-router';
import { PageTitle } from '../ui/page-title.tsx';
import { useIntl } from 'react-intl';
import { buttonClass } from '../ui/button.tsx';

/** Last resort for errors thrown while rendering a page: say so plainly and offer a reload. */
export function RouteErrorPage() {
  const intl = useIntl();
  const error = useRouteError();
  const detail = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : undefined;
  console.error(error);
  return (
    <div className="page page-public">
      <PageTitle title={intl.formatMessage({ id: 'routeError.title' })} />
      <main id="main" tabIndex={-1} className="public-main">
        <div className="card card-narrow">
          <h1 tabIndex={-1}>{intl.formatMessage({ id: 'routeError.title' })}</h1>
          <p>{intl.formatMessage({ id: 'routeError.body' })}</p>
          {detail !== undefined && <p className="muted">{detail}</p>}
          <p>
            <a className={buttonClass({ variant: 'primary' })} href="/profile/general">
              {intl.formatMessage({ id: 'routeError.reload' })}
            </a>
          </p>
        </div>
      </main>
    </div>
  );
}
