import type { Permission } from '@lanyard/contracts/permissions';
import type { ReactElement } from 'react';
import type { RouteObject } from 'react-router';
import { AccessibilityFeedbackPage } from '../features/admin/accessibility-feedback-page.tsx';
import { AuditPage } from '../features/admin/audit-page.tsx';
import { DownloadsAdminPage } from '../features/admin/downloads-admin-page.tsx';
import { IdentityProvidersPage } from '../features/admin/identity-providers-page.tsx';
import { PasswordPolicyPage } from '../features/admin/password-policy-page.tsx';
import { RolesPage } from '../features/admin/roles-page.tsx';
import { SecurityPage } from '../features/admin/security-page.tsx';
import { TeamsPage } from '../features/admin/teams-page.tsx';
import { TenantAccessKeysPage } from '../features/admin/tenant-access-keys-page.tsx';
import { UserPage } from '../features/admin/user-page.tsx';
import { UsersPage } from '../features/admin/users-page.tsx';
import { PresenceListsPage } from '../features/presence/presence-lists-page.tsx';
import type { MessageId } from '../i18n/messages.ts';

/** One page of Administration: where it is, its name in the navigation, the permission it needs, and the page. */
interface AdminSectionEntry {
  key: string;
  path: `/admin/${string}`;
  label: MessageId;
  permission: Permission;
  page: ReactElement;
  /** Pages reached from this one and not listed in the navigation, at a path below the section's. */
  subpages?: readonly { path: string; page: ReactElement }[];
}

/**
 * The pages of Administration (SPEC §4a `/admin/…`), in SPEC §4a's order (Access keys beside Security): the one
 * list both the router (adminRoutes) and the navigation (AdminNav, the app selector) are built from. A new
 * administration page is its page file, one entry here and its messages. The navigation shows only the pages the
 * person may use; each page checks its permission itself (AdminPage).
 */
export const adminSections = [
  { key: 'users', path: '/admin/users', label: 'nav.users', permission: 'users.view', page: <UsersPage />, subpages: [{ path: ':userId', page: <UserPage /> }] },
  { key: 'roles', path: '/admin/roles', label: 'nav.roles', permission: 'roles.manage', page: <RolesPage /> },
  { key: 'teams', path: '/admin/teams', label: 'nav.teams', permission: 'teams.manage', page: <TeamsPage /> },
  {
    key: 'security',
    path: '/admin/security',
    label: 'nav.security',
    permission: 'security.policies.manage',
    page: <SecurityPage />,
    subpages: [{ path: 'password-policy', page: <PasswordPolicyPage /> }],
  },
  { key: 'access-keys', path: '/admin/security/access-keys', label: 'nav.accessKeys', permission: 'accessKeys.manage', page: <TenantAccessKeysPage /> },
  { key: 'identity-providers', path: '/admin/identity-providers', label: 'nav.identityProviders', permission: 'identityProviders.manage', page: <IdentityProvidersPage /> },
  { key: 'presence-reason-lists', path: '/admin/presence-reason-lists', label: 'nav.presenceLists', permission: 'presence.lists.manage', page: <PresenceListsPage /> },
  { key: 'downloads', path: '/admin/downloads', label: 'nav.downloads', permission: 'downloads.manage', page: <DownloadsAdminPage /> },
  { key: 'audit', path: '/admin/audit', label: 'nav.audit', permission: 'audit.view', page: <AuditPage /> },
  { key: 'accessibility-feedback', path: '/admin/accessibility-feedback', label: 'nav.accessibilityFeedback', permission: 'audit.view', page: <AccessibilityFeedbackPage /> },
] as const satisfies readonly AdminSectionEntry[];

export type AdminSection = (typeof adminSections)[number];

/** The router's entries for every administration page and its subpages (paths relative to the signed-in layout). */
export function adminRoutes(): RouteObject[] {
  return adminSections.flatMap((section: AdminSectionEntry) => [
    { path: section.path.slice(1), element: section.page },
    ...(section.subpages ?? []).map((subpage) => ({ path: `${section.path.slice(1)}/${subpage.path}`, element: subpage.page })),
  ]);
}

export function visibleAdminSections(permissions: readonly string[]): AdminSection[] {
  return adminSections.filter((section) => permissions.includes(section.permission));
}

/** The section a path belongs to: the longest matching prefix (Access keys sits under Security). */
export function sectionOfPath(pathname: string): AdminSection | undefined {
  let best: AdminSection | undefined;
  for (const section of adminSections) {
    if ((pathname === section.path || pathname.startsWith(`${section.path}/`)) && (best === undefined || section.path.length > best.path.length)) best = section;
  }
  return best;
}
