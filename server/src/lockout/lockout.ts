/**
 * The attempt counter behind the lockout (ADR 0009): the lockout columns of `password_credentials`
 * (failed_login_count, locked_until, attempts_in_flight, in_flight_until), shared by wrong passwords and wrong
 * second-step codes, and the unlock codes a supervisor reads out.
 */

/**
 * A password verification's hold on the account's lockout window, from its reservation to its settlement (ADR 0009). Every
 * attempt has one, an unknown username too, so every sign-in runs the same statements.
 */
export interface PasswordAttempt {
  /** The account it counts against; undefined when there is none to count (no such username, no password, password sign-in off). */
  userId: string | undefined;
  /** It holds a slot of the window and may be verified against the real hash; false: the account is locked (or there is none). */
  held: boolean;
}

/** The id no credential row has: an attempt without an account runs the same statements against it, and they match nothing. */
export const noCredential = '00000000-0000-0000-0000-000000000000';

/** What reserving a verification found (see reservePasswordAttempt in lockout-repo.ts). */
export type Reservation =
  /** The attempt holds one of the window's slots and may be verified against the real hash. */
  | 'reserved'
  /** The account is locked: not admitted. */
  | 'locked'
  /** Every slot left in the window is held by a verification still running: ask again once one has answered. */
  | 'full'
  /** No credential row (an unknown username, no password): nothing to count. */
  | 'none';

/** What settling an attempt did: `locksNow` when this failure used up the window and set the lock (until `lockedUntil`). */
export interface Settlement {
  locksNow: boolean;
  lockedUntil: Date | null;
}

/** What counting a second-factor code found: whether it may be checked, and whether it set the lock. */
export interface CodeAttempt {
  /** False when the account is locked (or, with `full`, every slot left is held by a verification in flight). */
  admitted: boolean;
  full: boolean;
  /** This attempt was the last one the window allows, and locked the account until `lockedUntil`. */
  locksNow: boolean;
  lockedUntil: Date | null;
}

/** How long a reserved slot lasts without its settlement: far longer than any verification takes, queue included. */
export const attemptLeaseMs = 60 * 1000;
/** How long an attempt waits for a slot held by verifications in flight before it answers SERVICE_OVERLOADED (real time). */
export const slotWaitLimitMs = 10 * 1000;
/** How long an unlock code read out over the phone stays valid. */
export const unlockCodeLifetimeMinutes = 15;
