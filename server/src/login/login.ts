import type { PasswordAttempt } from '../lockout/lockout.ts';
import type { CredentialState } from '../passwords/passwords.ts';
import type { Membership, User } from '../users/users.ts';
import type { Tenant } from '../tenants/tenants.ts';

/**
 * What a sign-in has loaded about the account before any method runs, in one query (login/sign-in-read.ts): the user, their
 * membership in their default tenant (undefined if it is gone; read even when disabled), their password credential (no hash when they have none) and that
 * tenant. The passwords domain owns the credential and decides what it means; here it is only read.
 */
export interface SignInCandidate {
  user: User;
  membership: Membership | undefined;
  credential: CredentialState;
  tenant: Tenant;
  facts: SignInFacts;
}

/**
 * What the gates and the second step need to know of a member, read with the account (sign-in-read.ts) instead of one statement
 * each: whether they have a presence reason list to work with (their own or the tenant's default), and a confirmed TOTP.
 */
export interface SignInFacts {
  hasPresenceList: boolean;
  totpConfirmed: boolean;
}

/** A candidate a method accepted: the membership exists and is enabled (`accountRefusal`). */
export interface SignedInAccount extends SignInCandidate {
  membership: Membership;
}

/** Why the account or its membership keeps a person out whatever the method (`accountRefusal`). */
export type AccountRefusal = 'no-membership' | 'membership-disabled' | `status-${User['status']}`;

/** Why a sign-in was refused. Logged and audited only: the answer is always AUTH_INVALID_CREDENTIALS. */
export type SignInRefusal = 'unknown-user' | 'no-password' | 'locked' | 'wrong-password' | 'unlock-code-invalid' | 'password-login-disabled' | AccountRefusal;

/**
 * Whether an account may sign in into a tenant, whichever method identified it (password, single sign-on, the second step of either):
 * the account active, a member of the tenant, the membership not disabled on its own (SPEC §3.12). Checked in this order.
 */
export function accountRefusal(user: Pick<User, 'status'>, membership: Pick<Membership, 'disabled'> | undefined): AccountRefusal | undefined {
  if (user.status !== 'active') return `status-${user.status}`;
  if (membership === undefined) return 'no-membership';
  if (membership.disabled) return 'membership-disabled';
  return undefined;
}

/** An unlock code this attempt used (it is spent whether or not the password was right). */
export interface UsedUnlockCode {
  linkId: string;
  /** The administrator who issued it. */
  issuedBy: string | null;
}

/** The outcome of one sign-in method: a tagged result the compiler narrows, never a throw. */
export type MethodResult =
  | { ok: true; account: SignedInAccount; passwordChangeRequired: boolean; unlockCode?: UsedUnlockCode }
  | {
      ok: false;
      reason: SignInRefusal;
      /** The account the attempt named, when it exists. */
      candidate: SignInCandidate | undefined;
      /** The attempt's hold on the lockout window, settled with the refusal's audit row (a slot given back, a failure counted). */
      attempt: PasswordAttempt;
      /** The password was verified and wrong (or the unlock code was not valid): counted as a failure. */
      failed: boolean;
      unlockCode?: UsedUnlockCode;
    };

/** The audit details of a refusal: the attempted username only when no account matched (bounded). */
export function refusalDetails(reason: SignInRefusal, candidate: SignInCandidate | undefined, attemptedUsername: string): Record<string, unknown> {
  return { reason, ...(candidate === undefined ? { username: attemptedUsername.slice(0, 254) } : {}) };
}

/** Whether a member may sign in with a password: their override ('enabled' / 'disabled') wins over the tenant's login methods. */
export function passwordLoginAllowed(override: 'tenant' | 'enabled' | 'disabled', tenant: 'enabled' | 'disabled'): boolean {
  return override === 'tenant' ? tenant === 'enabled' : override === 'enabled';
}
