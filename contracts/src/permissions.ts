/**
 * The permission catalogue. Keys are stable: a key is never renamed or reused. The console shows the label.
 */
export const permissionCatalogue = [
  { key: 'accessKeys.own.create', label: 'Admin > General > My Access Keys: Create', group: 'General' },
  { key: 'support.downloads.view', label: 'Admin > General > View Support and Downloads: On', group: 'General' },
  { key: 'profile.edit', label: 'My Account Page Edit', group: 'My Account' },
  { key: 'profile.dialingPattern.edit', label: 'Default Dialing Pattern Edit', group: 'My Account' },
  { key: 'profile.wfmNotifications', label: 'WFM Notifications', group: 'My Account' },
  { key: 'users.view', label: 'Users View', group: 'Users' },
  { key: 'users.invite', label: 'Users Invite', group: 'Users' },
  { key: 'users.edit', label: 'Users Edit', group: 'Users' },
  { key: 'roles.manage', label: 'Roles Manage', group: 'Users' },
  { key: 'teams.manage', label: 'Teams Manage', group: 'Users' },
  { key: 'accessKeys.manage', label: 'Admin > Security > Access Keys: View, Edit, Delete', group: 'Security' },
  { key: 'security.policies.manage', label: 'Security Policies', group: 'Security' },
  { key: 'identityProviders.manage', label: 'Identity Providers Manage', group: 'Security' },
  { key: 'audit.view', label: 'Audit Log View', group: 'Security' },
  { key: 'presence.lists.manage', label: 'Presence Reason Lists Manage', group: 'Presence' },
  { key: 'presence.use', label: 'Agent: Use Presence', group: 'Presence' },
  { key: 'downloads.manage', label: 'Support and Downloads Manage', group: 'Support' },
] as const;

export type Permission = (typeof permissionCatalogue)[number]['key'];

export const allPermissions: readonly Permission[] = permissionCatalogue.map((entry) => entry.key);

const permissionSet: ReadonlySet<string> = new Set(allPermissions);

export function isPermission(value: string): value is Permission {
  return permissionSet.has(value);
}

/**
 * Capabilities of an agent's work, not authority over anything: holding one makes a person subject to the contact center's rules
 * (`presence.use`: sign-in needs a presence reason list, the console asks for the microphone). They never rank a person above or
 * below another (rank rules and "same or lower role" compare authority only), and the built-in Administrator does not hold them.
 */
export const agentCapabilities: readonly Permission[] = ['presence.use'];

/** Whether a permission is authority (everything but the agent capabilities): what rank rules and "same or lower role" compare. */
export function isAuthority(permission: string): boolean {
  return !agentCapabilities.includes(permission as Permission);
}

/** The built-in Administrator's permissions: every authority of the catalogue, no agent capability. */
export const administratorPermissions: readonly Permission[] = allPermissions.filter(isAuthority);

/** The roles every new tenant starts with. Administrators hold every authority of the catalogue (no agent capability). */
export const builtInRoles = [
  { name: 'Administrator', permissions: administratorPermissions },
  {
    name: 'Supervisor',
    permissions: [
      'accessKeys.own.create',
      'support.downloads.view',
      'profile.edit',
      'profile.wfmNotifications',
      'users.view',
      'presence.use',
    ],
  },
  {
    name: 'Agent',
    permissions: ['support.downloads.view', 'profile.edit', 'profile.wfmNotifications', 'presence.use'],
  },
] as const satisfies readonly { name: string; permissions: readonly Permission[] }[];

export type BuiltInRoleName = (typeof builtInRoles)[number]['name'];
