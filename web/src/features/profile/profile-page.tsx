import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { Link, useParams } from 'react-router';
import { useMe } from '../../app/me-context.ts';
import { NotFoundPage } from '../../app/not-found-page.tsx';
import { Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
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

function SectionContent({ section }: { section: ProfileSectionKey }) {
  if (section === 'general') return <GeneralTab />;
  if (section === 'access-keys') return <AccessKeysTab />;
  return <SectionNotAvailable title={profileSections[section].title} />;
}

/** My Profile (seed 000): one tab per URL, so every tab can be linked to and reloaded. */
export function ProfilePage() {
  const { tab } = useParams();
  const me = useMe();
  if (!isProfileSection(tab)) return <NotFoundPage />;

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
