import { Navigate } from 'react-router';
import { landingPath } from '../session/landing.ts';
import { useMe } from '../session/me-context.ts';

/** `/`: User Management for those who may see it, My Profile for everyone else. */
export function Landing() {
  const me = useMe();
  return <Navigate to={landingPath(me.permissions)} replace />;
}
