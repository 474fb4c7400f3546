import type { Me } from '@lanyard/contracts/api';
import { Link } from 'react-router';
import { LanyardMark } from '../ui/icons.tsx';
import { AccountMenu } from './account-menu.tsx';
import { AppSelector } from './app-selector.tsx';
import { TenantPicker } from './tenant-picker.tsx';
import { useIntl } from 'react-intl';

export function TopBar({ me, onSignOut }: { me: Me; onSignOut: () => Promise<void> }) {
  const intl = useIntl();
  return (
    <header className="top-bar">
      <Link to="/profile/general" className="brand brand-link">
        <LanyardMark />
        <span className="brand-name">{intl.formatMessage({ id: 'app.brand' })}</span>
      </Link>
      <div className="top-bar-end">
        <TenantPicker key={me.tenant.id} currentTenantId={me.tenant.id} currentName={me.tenant.name} />
        {!me.passwordChangeRequired && <AppSelector me={me} />}
        <AccountMenu me={me} onSignOut={onSignOut} />
      </div>
    </header>
  );
}
