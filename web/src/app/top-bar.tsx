import type { Me } from '@lanyard/contracts/api';
import { Link } from 'react-router';
import { LanyardMark } from '../ui/icons.tsx';
import { AccountMenu } from './account-menu.tsx';

export function TopBar({ me, onSignOut }: { me: Me; onSignOut: () => Promise<void> }) {
  return (
    <header className="top-bar">
      <Link to="/profile/general" className="brand brand-link">
        <LanyardMark />
        <span className="brand-name">Lanyard</span>
      </Link>
      <div className="top-bar-end">
        <span className="top-bar-tenant">
          <span className="visually-hidden">Tenant: </span>
          {me.tenant.name}
        </span>
        <AccountMenu me={me} onSignOut={onSignOut} />
      </div>
    </header>
  );
}
