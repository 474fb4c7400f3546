import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { Link, useParams } from 'react-router';
import { useMe } from '../../app/me-context.ts';
import { NotFoundPage } from '../../app/not-found-page.tsx';
import { Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { ChangePasswordForm } from '../password/change-password-form.tsx';
import { AccessKeysTab } from '../access-keys/access-keys-tab.tsx';
import { GeneralTab } from './general-tab.tsx';
import { isProfileSection, profileSections, profileTabs, type ProfileSectionKey } from './profile-sections.ts';

function SectionNotAvailable({ title }: { title: string }) {
  return (
    <section aria-labelledby="profile-section-heading" className="panel-section">
      <h2 id="profile-section-heading">{title}</h2>
      <p>This section is not available yet.</p>
    </section>
  );
}

function AccountTab() {
  return (
    <div className="stack">
      <section aria-labelledby="account-password-heading" className="panel-section">
        <h2 id="account-password-heading">Password</h2>
        <p>Your password must follow the rules set by your administrator. To change it, you need your current password.</p>
        <Link to="/profile/password" className="button">
          Change Password
        </Link>
      </section>
      <section aria-labelledby="account-details-heading" className="panel-section">
        <h2 id="account-details-heading">Account details</h2>
        <p>This section is not available yet.</p>
      </section>
    </div>
  );
}

function ChangePasswordSection() {
  return (
    <section aria-labelledby="change-password-heading" className="panel-section">
      <h2 id="change-password-heading">Change Password</h2>
      <p>
        Your password must follow the rules set by your administrator. When you start typing a new password, a list shows what
        your company requires; each rule turns from a cross to a check as you meet it.
      </p>
      <p className="muted">
        To change your password, you need to know your current password. If you cannot remember it, log out and use{' '}
        <q>Forgot your password?</q> on the sign-in page, or ask your administrator to reset it.
      </p>
      <ChangePasswordForm forced={false} />
    </section>
  );
}

function SectionContent({ section }: { section: ProfileSectionKey }) {
  if (section === 'general') return <GeneralTab />;
  if (section === 'account') return <AccountTab />;
  if (section === 'password') return <ChangePasswordSection />;
  if (section === 'access-keys') return <AccessKeysTab />;
  return <SectionNotAvailable title={profileSections[section].title} />;
}

/** The only page a person whose password must change can use (SPEC §3.3: "must be changed at the next sign-in"). */
function ForcedPasswordChange() {
  return (
    <div className="forced-change">
      <PageTitle title="Change your password" />
      <h1 tabIndex={-1}>Change your password</h1>
      <Message tone="info" title="Your password has expired or no longer meets your company's rules. Change it to continue." />
      <section aria-labelledby="change-password-heading" className="panel-section">
        <h2 id="change-password-heading">Change Password</h2>
        <p className="muted">
          You need your current password: the one you just signed in with. You can also log out from the menu with your initials.
        </p>
        <ChangePasswordForm forced />
      </section>
    </div>
  );
}

/** My Profile (seed 000): one tab per URL, so every tab can be linked to and reloaded. */
export function ProfilePage() {
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
      <PageTitle title={section.title === 'General' ? 'My Profile' : `${section.title} · My Profile`} />
      <h1 tabIndex={-1}>My Profile</h1>
      {mayUseSection ? (
        <Tabs selectedKey={selectedTab} className="tabs">
          <TabList aria-label="My Profile sections" className="tab-list">
            {visibleTabs.map((entry) => (
              <Tab key={entry.key} id={entry.key} href={`/profile/${entry.key}`} className="tab">
                {entry.label}
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
        <Message tone="info" title="Your account does not have permission to use access keys.">
          <p>
            If you need access keys, ask your administrator. <Link to="/profile/general">Back to My Profile</Link>
          </p>
        </Message>
      )}
    </div>
  );
}
