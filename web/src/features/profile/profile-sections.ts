import type { Permission } from '@lanyard/contracts/permissions';

/** The tabs of My Profile, in the order seed 000 lists them. */
export const profileTabs = [
  { key: 'general', label: 'General' },
  { key: 'account', label: 'Account' },
  { key: 'security', label: 'Security' },
  { key: 'access-keys', label: 'Access Keys', permission: 'accessKeys.own.create' },
  { key: 'accessibility', label: 'Accessibility' },
] as const satisfies readonly { key: string; label: string; permission?: Permission }[];

export type ProfileTabKey = (typeof profileTabs)[number]['key'];

/**
 * Every `/profile/{section}` route (SPEC §4a). Change Password and Support and Downloads are reached
 * from the Account tab (seed 000: "On the Account tab, click Change Password"), so they belong to it.
 */
export const profileSections = {
  general: { tab: 'general', title: 'General' },
  account: { tab: 'account', title: 'Account' },
  password: { tab: 'account', title: 'Change Password' },
  security: { tab: 'security', title: 'Security' },
  'access-keys': { tab: 'access-keys', title: 'Access Keys' },
  accessibility: { tab: 'accessibility', title: 'Accessibility' },
  downloads: { tab: 'account', title: 'Support and Downloads' },
} as const satisfies Record<string, { tab: ProfileTabKey; title: string }>;

export type ProfileSectionKey = keyof typeof profileSections;

export function isProfileSection(value: string | undefined): value is ProfileSectionKey {
  return value !== undefined && Object.hasOwn(profileSections, value);
}
