import type { Me } from '@lanyard/contracts/api';
import { Button, Header, Menu, MenuItem, MenuSection, MenuTrigger, Popover, SubmenuTrigger } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { AppSelectorIcon, ChevronDownIcon } from '../ui/icons.tsx';
import { visibleAdminSections } from './admin-pages.tsx';

/**
 * The app selector icon in the top bar (seeds 000 and 001): **My Zone** opens My Profile ("select My Zone,
 * then click My Profile"; My Zone has only My Profile today), **Admin** opens My Account and the administration pages the person may use
 * ("Click the app selector and select Admin. Go to My Account").
 */
export function AppSelector({ me }: { me: Me }) {
  const intl = useIntl();
  const label = intl.formatMessage({ id: 'appSelector.label' });
  const adminPages = visibleAdminSections(me.permissions);
  return (
    <MenuTrigger>
      <Button className="icon-button app-selector-button" aria-label={label}>
        <AppSelectorIcon />
      </Button>
      <Popover className="menu-popover" placement="bottom end" offset={6}>
        <Menu className="menu" aria-label={label}>
          <MenuSection className="menu-section">
            <Header className="menu-header menu-header-group">{intl.formatMessage({ id: 'appSelector.apps' })}</Header>
            <MenuItem id="my-zone" className="menu-item" href="/profile/general">
              {intl.formatMessage({ id: 'appSelector.myZone' })}
            </MenuItem>
            <SubmenuTrigger>
              <MenuItem id="admin" className="menu-item menu-item-submenu" textValue={intl.formatMessage({ id: 'appSelector.admin' })}>
                <span>{intl.formatMessage({ id: 'appSelector.admin' })}</span>
                <ChevronDownIcon className="icon icon-small submenu-chevron" />
              </MenuItem>
              <Popover className="menu-popover" offset={-4}>
                <Menu className="menu" aria-label={intl.formatMessage({ id: 'appSelector.admin' })}>
                  <MenuItem id="my-account" className="menu-item" href="/my-account/details">
                    {intl.formatMessage({ id: 'myAccount.title' })}
                  </MenuItem>
                  {adminPages.map((section) => (
                    <MenuItem key={section.key} id={section.key} className="menu-item" href={section.path}>
                      {intl.formatMessage({ id: section.label })}
                    </MenuItem>
                  ))}
                </Menu>
              </Popover>
            </SubmenuTrigger>
          </MenuSection>
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
