import { Link } from 'react-router';
import { PageTitle } from '../ui/page-title.tsx';

export function NotFoundPage() {
  return (
    <div className="card card-narrow">
      <PageTitle title="Page not found" />
      <h1 tabIndex={-1}>Page not found</h1>
      <p>There is no page at this address. Check the address, or go to your profile.</p>
      <p>
        <Link to="/profile/general" className="button button-primary">
          Go to My Profile
        </Link>
      </p>
    </div>
  );
}
