import type { Permission } from '@lanyard/contracts/permissions';
import type { MessageId } from '../../i18n/messages.ts';

/** The tabs of seed 001's My Account, in its order; Access Keys needs "Access Key Create". */
export const myAccountTabs = [
  { key: 'details', label: 'myAccount.tab.details' },
  { key: 'access-keys', label: 'myAccount.tab.accessKeys', permission: 'accessKeys.own.create' },
] as const satisfies readonly { key: string; label: MessageId; permission?: Permission }[];

export type MyAccountTabKey = (typeof myAccountTabs)[number]['key'];

export function isMyAccountTab(value: string | undefined): value is MyAccountTabKey {
  return myAccountTabs.some((entry) => entry.key === value);
}
