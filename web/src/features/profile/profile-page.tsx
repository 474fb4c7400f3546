import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { Link, useParams } from 'react-router';
import { useMe } from '../../session/me-context.ts';
import { NotFoundPage } from '../../ui/not-found-page.tsx';
import { Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { ChangePasswordForm } from '../password/change-password-form.tsx';
import { AccessKeysTab } from '../access-keys/access-keys-tab.tsx';
import { SecurityTab } from '../mfa/security-tab.tsx';
import { GeneralTab } from './general-tab.tsx';
import { AccountTab } from './account-tab.tsx';
import { AccessibilityTab } from './accessibility-tab.tsx';
import { DownloadsTab } from './downloads-tab.tsx';
import { isProfileSection, profileSections, profileTabs, type ProfileSectionKey } from './profile-sections.ts';
import { FormattedMessage, useIntl } from 'react-intl';

function ChangePasswordSection() {
  const intl = useIntl();
  return (
    <section aria-labelledby="change-password-heading" className="panel-section">
      <h2 id="change-password-heading">{intl.formatMessage({ id: 'profile.password.heading' })}</h2>
      <p>{intl.formatMessage({ id: 'profile.password.body' })}</p>
      <p className="muted">
        <FormattedMessage id="profile.password.forgot" values={{ q: (chunks) => <q>{chunks}</q> }} />
      </p>
      <ChangePasswordForm forced={false} />
    </section>
  );
}

function SectionContent({ section }: { section: ProfileSectionKey }) {
  if (section === 'general') return <GeneralTab />;
  if (section === 'account') return <AccountTab />;
  if (section === 'password') return <ChangePasswordSection />;
  if (section === 'security') return <SecurityTab />;
  if (section === 'accessibility') return <AccessibilityTab />;
  if (section === 'downloads') return <DownloadsTab />;
  return <AccessKeysTab />;
}

/** The only page a person whose password must change can use (SPEC §3.3: "must be changed at the next sign-in"). */
function ForcedPasswordChange() {
  const intl = useIntl();
  return (
    <div className="forced-change">
      <PageTitle title={intl.formatMessage({ id: 'profile.forced.title' })} />
      <h1 tabIndex={-1}>{intl.formatMessage({ id: 'profile.forced.title' })}</h1>
      <Message tone="info" title={intl.formatMessage({ id: 'profile.forced.message' })} />
      <section aria-labelledby="change-password-heading" className="panel-section">
        <h2 id="change-password-heading">{intl.formatMessage({ id: 'profile.password.heading' })}</h2>
        <p className="muted">{intl.formatMessage({ id: 'profile.forced.body' })}</p>
        <ChangePasswordForm forced />
      </section>
    </div>
  );
}

/** My Profile (seed 000): one tab per URL, so every tab can be linked to and reloaded. */
export function ProfilePage() {
  const intl = useIntl();
  const { tab } = useParams();
  const me = useMe();
  if (!isProfileSection(tab)) return <NotFoundPage />;
  if (me.passwordChangeRequired) return <ForcedPasswordChange />;

  const visibleTabs = profileTabs.filter((entry) => !('permission' in entry) || me.permissions.includes(entry.permission));
  const section = profileSections[tab];
  const selectedTab = section.tab;
  const mayUseSection = visibleTabs.some((entry) => entry.key === selectedTab);

  return (
    <div className="profile">
      <PageTitle
        title={
          tab === 'general'
            ? intl.formatMessage({ id: 'profile.title' })
            : intl.formatMessage({ id: 'profile.sectionTitle' }, { section: intl.formatMessage({ id: section.title }) })
        }
      />
      <h1 tabIndex={-1}>{intl.formatMessage({ id: 'profile.title' })}</h1>
      {mayUseSection ? (
        <Tabs selectedKey={selectedTab} className="tabs">
          <TabList aria-label={intl.formatMessage({ id: 'profile.tabs' })} className="tab-list">
            {visibleTabs.map((entry) => (
              <Tab key={entry.key} id={entry.key} href={`/profile/${entry.key}`} className="tab">
                {intl.formatMessage({ id: entry.label })}
              </Tab>
            ))}
          </TabList>
          {visibleTabs.map((entry) => (
            <TabPanel key={entry.key} id={entry.key} className="tab-panel">
              <SectionContent section={tab} />
            </TabPanel>
          ))}
        </Tabs>
      ) : (
        <Message tone="info" title={intl.formatMessage({ id: 'profile.noAccessKeys' })}>
          <p>
            <FormattedMessage id="profile.noAccessKeysBody" values={{ link: (chunks) => <Link to="/profile/general">{chunks}</Link> }} />
          </p>
        </Message>
      )}
    </div>
  );
}
