import { createBrowserRouter, Navigate } from 'react-router';
import { FirstAccessPage } from '../features/first-access/first-access-page.tsx';
import { LoginPage } from '../features/login/login-page.tsx';
import { AuditPage } from '../features/admin/audit-page.tsx';
import { PasswordPolicyPage } from '../features/admin/password-policy-page.tsx';
import { RolesPage } from '../features/admin/roles-page.tsx';
import { SecurityPage } from '../features/admin/security-page.tsx';
import { TeamsPage } from '../features/admin/teams-page.tsx';
import { TenantAccessKeysPage } from '../features/admin/tenant-access-keys-page.tsx';
import { UserPage } from '../features/admin/user-page.tsx';
import { UsersPage } from '../features/admin/users-page.tsx';
import { ForgotPasswordPage } from '../features/password/forgot-password-page.tsx';
import { ResetPasswordPage } from '../features/password/reset-password-page.tsx';
import { ProfilePage } from '../features/profile/profile-page.tsx';
import { MyAccountPage } from '../features/my-account/my-account-page.tsx';
import { PresenceListsPage } from '../features/presence/presence-lists-page.tsx';
import { NotFoundPage } from '../ui/not-found-page.tsx';
import { PublicLayout } from './public-layout.tsx';
import { RootLayout } from './root-layout.tsx';
import { RouteErrorPage } from './route-error-page.tsx';
import { SignedInLayout } from './signed-in-layout.tsx';
import { Landing } from './landing.tsx';
import { AccessibilityStatementPage } from '../features/accessibility/accessibility-statement-page.tsx';
import { ConfirmEmailPage } from '../features/confirm-email/confirm-email-page.tsx';
import { AccessibilityFeedbackPage } from '../features/admin/accessibility-feedback-page.tsx';
import { DownloadsAdminPage } from '../features/admin/downloads-admin-page.tsx';
import { IdentityProvidersPage } from '../features/admin/identity-providers-page.tsx';
import { TenantSwitchPage } from './tenant-switch-page.tsx';

/** Console routes (SPEC §4a). Signed-in routes sit under SignedInLayout, which sends strangers to /login. */
export function createConsoleRouter() {
  return createBrowserRouter([
    {
      element: <RootLayout />,
      errorElement: <RouteErrorPage />,
      children: [
        {
          element: <PublicLayout />,
          children: [
            { path: 'login', element: <LoginPage /> },
            { path: 'first-access/:token', element: <FirstAccessPage /> },
            { path: 'forgot-password', element: <ForgotPasswordPage /> },
            { path: 'reset-password/:token', element: <ResetPasswordPage /> },
            { path: 'confirm-email/:token', element: <ConfirmEmailPage /> },
            { path: 'accessibility-statement', element: <AccessibilityStatementPage /> },
          ],
        },
        {
          element: <SignedInLayout />,
          children: [
            { index: true, element: <Landing /> },
            { path: 'profile', element: <Navigate to="/profile/general" replace /> },
            { path: 'profile/:tab', element: <ProfilePage /> },
            { path: 'my-account', element: <Navigate to="/my-account/details" replace /> },
            { path: 'my-account/:tab', element: <MyAccountPage /> },
            { path: 'admin', element: <Landing /> },
            { path: 'admin/users', element: <UsersPage /> },
            { path: 'admin/users/:userId', element: <UserPage /> },
            { path: 'admin/roles', element: <RolesPage /> },
            { path: 'admin/teams', element: <TeamsPage /> },
            { path: 'admin/security', element: <SecurityPage /> },
            { path: 'admin/security/password-policy', element: <PasswordPolicyPage /> },
            { path: 'admin/security/access-keys', element: <TenantAccessKeysPage /> },
            { path: 'admin/identity-providers', element: <IdentityProvidersPage /> },
            { path: 'admin/audit', element: <AuditPage /> },
            { path: 'admin/presence-reason-lists', element: <PresenceListsPage /> },
            { path: 'admin/accessibility-feedback', element: <AccessibilityFeedbackPage /> },
            { path: 'admin/downloads', element: <DownloadsAdminPage /> },
            { path: 'switch-tenant', element: <TenantSwitchPage /> },
          ],
        },
        {
          element: <PublicLayout />,
          children: [{ path: '*', element: <NotFoundPage /> }],
        },
      ],
    },
  ]);
}
