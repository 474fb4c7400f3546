import type { Permission } from '@lanyard/contracts/permissions';
import type { MessageId } from '../i18n/messages.ts';

/**
 * The pages of Administration (SPEC §4a `/admin/…`), in SPEC §4a's order (Access keys beside Security), each with the
 * permission it needs. The navigation shows only the pages the person may use.
 */
export const adminSections = [
  { key: 'users', path: '/admin/users', label: 'nav.users', permission: 'users.view' },
  { key: 'roles', path: '/admin/roles', label: 'nav.roles', permission: 'roles.manage' },
  { key: 'teams', path: '/admin/teams', label: 'nav.teams', permission: 'teams.manage' },
  { key: 'security', path: '/admin/security', label: 'nav.security', permission: 'security.policies.manage' },
  { key: 'access-keys', path: '/admin/security/access-keys', label: 'nav.accessKeys', permission: 'accessKeys.manage' },
  { key: 'identity-providers', path: '/admin/identity-providers', label: 'nav.identityProviders', permission: 'identityProviders.manage' },
  { key: 'presence-reason-lists', path: '/admin/presence-reason-lists', label: 'nav.presenceLists', permission: 'presence.lists.manage' },
  { key: 'downloads', path: '/admin/downloads', label: 'nav.downloads', permission: 'downloads.manage' },
  { key: 'audit', path: '/admin/audit', label: 'nav.audit', permission: 'audit.view' },
  { key: 'accessibility-feedback', path: '/admin/accessibility-feedback', label: 'nav.accessibilityFeedback', permission: 'audit.view' },
] as const satisfies readonly { key: string; path: string; label: MessageId; permission: Permission }[];

export type AdminSection = (typeof adminSections)[number];

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
