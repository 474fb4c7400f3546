/** Where a person whose password must change is kept until it is changed (SPEC §3.3). */
export const passwordChangePath = '/profile/password';

/**
 * Where a sign-in lands (seed 002: "A successful login brings you to the User Management window"): User
 * Management for people who may see it, My Profile for everyone else.
 */
export function landingPath(permissions: readonly string[]): string {
  return permissions.includes('users.view') ? '/admin/users' : '/profile/general';
}
