import type { Permission } from '@lanyard/contracts/permissions';
import type { MessageId } from '../../i18n/messages.ts';

/**
 * The tabs of My Profile, in the order seed 000 lists them, with Security (the second factor and the
 * sessions, SPEC §4a) after Account. A tab exists once it works: Accessibility (and Support and Downloads
 * under Account) arrive with issue 14.
 */
export const profileTabs = [
  { key: 'general', label: 'profile.section.general' },
  { key: 'account', label: 'profile.section.account' },
  { key: 'security', label: 'profile.section.security' },
  { key: 'access-keys', label: 'profile.section.access-keys', permission: 'accessKeys.own.create' },
] as const satisfies readonly { key: string; label: MessageId; permission?: Permission }[];

export type ProfileTabKey = (typeof profileTabs)[number]['key'];

/**
 * The `/profile/{section}` routes that work today (SPEC §4a). Change Password is reached from the Account
 * tab (seed 000: "On the Account tab, click Change Password"), so it belongs to it.
 */
export const profileSections = {
  general: { tab: 'general', title: 'profile.section.general' },
  account: { tab: 'account', title: 'profile.section.account' },
  password: { tab: 'account', title: 'profile.section.password' },
  security: { tab: 'security', title: 'profile.section.security' },
  'access-keys': { tab: 'access-keys', title: 'profile.section.access-keys' },
} as const satisfies Record<string, { tab: ProfileTabKey; title: MessageId }>;

export type ProfileSectionKey = keyof typeof profileSections;

export function isProfileSection(value: string | undefined): value is ProfileSectionKey {
  return value !== undefined && Object.hasOwn(profileSections, value);
}
