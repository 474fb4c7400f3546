/** What other pages pass to /login in the router's location state. */
export interface LoginLocationState {
  /** Where the person wanted to go before being asked to sign in (a path on this console). */
  from?: string;
  notice?: 'password-set' | 'password-reset' | 'signed-out';
  username?: string;
}

/** Reads location state defensively: it survives reloads and can hold anything. */
export function readLoginState(state: unknown): LoginLocationState {
  if (typeof state !== 'object' || state === null) return {};
  const result: LoginLocationState = {};
  if ('from' in state && typeof state.from === 'string' && isConsolePath(state.from)) result.from = state.from;
  if ('notice' in state && (state.notice === 'password-set' || state.notice === 'password-reset' || state.notice === 'signed-out')) result.notice = state.notice;
  if ('username' in state && typeof state.username === 'string') result.username = state.username;
  return result;
}

/** A path on this console (never another origin, never back to /login). */
function isConsolePath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') && !path.startsWith('/login');
}
