import { Navigate, useParams } from 'react-router';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { useMe } from '../../session/me-context.ts';
import { NotFoundPage } from '../../ui/not-found-page.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { passwordChangePath } from '../../session/landing.ts';
import { MyAccountAccessKeysTab } from './my-account-access-keys-tab.tsx';
import { MyAccountDetailsTab } from './my-account-details-tab.tsx';
import { IdentityLinksSection } from '../profile/identity-links-section.tsx';
import { isMyAccountTab, myAccountTabs } from './my-account-tabs.ts';

/** Seed 001's Admin › My Account (`/my-account/{details|access-keys}`): the Details and Access Keys tabs. */
export function MyAccountPage() {
  const intl = useIntl();
  const { tab } = useParams();
  const me = useMe();
  if (!isMyAccountTab(tab)) return <NotFoundPage />;
  if (me.passwordChangeRequired) return <Navigate to={passwordChangePath} replace />;
  const visibleTabs = myAccountTabs.filter((entry) => !('permission' in entry) || me.permissions.includes(entry.permission));
  if (!visibleTabs.some((entry) => entry.key === tab)) return <Navigate to="/my-account/details" replace />;
  const current = myAccountTabs.find((entry) => entry.key === tab) ?? myAccountTabs[0];
  return (
    <div className="profile my-account">
      <PageTitle title={intl.formatMessage({ id: 'myAccount.sectionTitle' }, { section: intl.formatMessage({ id: current.label }) })} />
      <h1 tabIndex={-1}>{intl.formatMessage({ id: 'myAccount.title' })}</h1>
      <Tabs selectedKey={tab} className="tabs">
        <TabList aria-label={intl.formatMessage({ id: 'myAccount.tabs' })} className="tab-list">
          {visibleTabs.map((entry) => (
            <Tab key={entry.key} id={entry.key} href={`/my-account/${entry.key}`} className="tab">
              {intl.formatMessage({ id: entry.label })}
            </Tab>
          ))}
        </TabList>
        {visibleTabs.map((entry) => (
          <TabPanel key={entry.key} id={entry.key} className="tab-panel">
            {entry.key === 'details' ? (
              // Seed 001: "Link your account to an identity provider, if you have the Users Edit permission."
              <div className="stack">
                <MyAccountDetailsTab />
                <IdentityLinksSection />
              </div>
            ) : (
              <MyAccountAccessKeysTab />
            )}
          </TabPanel>
        ))}
      </Tabs>
    </div>
  );
}
