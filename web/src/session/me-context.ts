import type { Me } from '@lanyard/contracts/api';
import { createContext, useContext } from 'react';

export const MeContext = createContext<Me | null>(null);

/** The signed-in person; only usable below SignedInLayout, which guarantees one. */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (me === null) throw new Error('useMe() used outside the signed-in layout.');
  return me;
}

export function fullName(me: Pick<Me, 'user'>): string {
  const name = `${me.user.firstName} ${me.user.lastName}`.trim();
  return name === '' ? me.user.username : name;
}

function firstLetter(value: string): string {
  const first = Array.from(value.trim())[0];
  return first === undefined ? '' : first.toLocaleUpperCase();
}

/** "GB" for Gilbert Blythe; falls back to the username when there is no name. */
export function initials(me: Pick<Me, 'user'>): string {
  const fromName = firstLetter(me.user.firstName) + firstLetter(me.user.lastName);
  return fromName === '' ? firstLetter(me.user.username) : fromName;
}
