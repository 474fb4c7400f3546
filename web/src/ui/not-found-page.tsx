import { Link } from 'react-router';
import { PageTitle } from './page-title.tsx';
import { useIntl } from 'react-intl';
import { buttonClass } from '../ui/button.tsx';

export function NotFoundPage() {
  const intl = useIntl();
  return (
    <div className="card card-narrow">
      <PageTitle title={intl.formatMessage({ id: 'notFound.title' })} />
      <h1 tabIndex={-1}>{intl.formatMessage({ id: 'notFound.title' })}</h1>
      <p>{intl.formatMessage({ id: 'notFound.body' })}</p>
      <p>
        <Link to="/profile/general" className={buttonClass({ variant: 'primary' })}>
          {intl.formatMessage({ id: 'notFound.goToProfile' })}
        </Link>
      </p>
    </div>
  );
}
