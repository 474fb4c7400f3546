import type { Me } from '@lanyard/contracts/api';
import { Button, Header, Menu, MenuItem, MenuSection, MenuTrigger, Popover, Separator } from 'react-aria-components';
import { fullName, initials } from '../session/me-context.ts';
import { useIntl } from 'react-intl';

/**
 * The initials button in the upper-right corner (seed 000: "click your initials … select My Profile",
 * "… and select Change Password"). While the password must be changed, only that and Log out remain.
 */
export function AccountMenu({ me, onSignOut }: { me: Me; onSignOut: () => Promise<void> }) {
  const intl = useIntl();
  const name = fullName(me);
  const menuLabel = intl.formatMessage({ id: 'accountMenu.label' }, { name });
  const restricted = me.passwordChangeRequired;
  const mayManagePolicies = !restricted && me.permissions.includes('security.policies.manage');
  return (
    <MenuTrigger>
      <Button className="avatar-button" aria-label={menuLabel}>
        <span aria-hidden="true">{initials(me)}</span>
      </Button>
      <Popover className="menu-popover" placement="bottom end" offset={6}>
        <Menu className="menu" aria-label={menuLabel}>
          <MenuSection className="menu-section">
            <Header className="menu-header">
              <span className="menu-header-name">{name}</span>
              <span className="menu-header-detail">{me.user.username}</span>
            </Header>
            {!restricted && (
              <MenuItem id="profile" className="menu-item" href="/profile/general">
                {intl.formatMessage({ id: 'accountMenu.profile' })}
              </MenuItem>
            )}
            <MenuItem id="change-password" className="menu-item" href="/profile/password">
              {intl.formatMessage({ id: 'accountMenu.changePassword' })}
            </MenuItem>
            {!restricted && me.permissions.includes('support.downloads.view') && (
              <MenuItem id="downloads" className="menu-item" href="/profile/downloads">
                {intl.formatMessage({ id: 'profile.section.downloads' })}
              </MenuItem>
            )}
          </MenuSection>
          {mayManagePolicies && (
            <MenuSection className="menu-section">
              <Header className="menu-header menu-header-group">{intl.formatMessage({ id: 'accountMenu.administration' })}</Header>
              <MenuItem id="password-policy" className="menu-item" href="/admin/security/password-policy">
                {intl.formatMessage({ id: 'accountMenu.securityPolicies' })}
              </MenuItem>
            </MenuSection>
          )}
          <Separator className="menu-separator" />
          <MenuItem id="logout" className="menu-item" onAction={() => void onSignOut()}>
            {intl.formatMessage({ id: 'accountMenu.logout' })}
          </MenuItem>
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
