import { createBrowserRouter, Navigate } from 'react-router';
import { FirstAccessPage } from '../features/first-access/first-access-page.tsx';
import { LoginPage } from '../features/login/login-page.tsx';
import { ForgotPasswordPage } from '../features/password/forgot-password-page.tsx';
import { ResetPasswordPage } from '../features/password/reset-password-page.tsx';
import { ProfilePage } from '../features/profile/profile-page.tsx';
import { MyAccountPage } from '../features/my-account/my-account-page.tsx';
import { NotFoundPage } from '../ui/not-found-page.tsx';
import { PublicLayout } from './public-layout.tsx';
import { RootLayout } from './root-layout.tsx';
import { RouteErrorPage } from './route-error-page.tsx';
import { SignedInLayout } from './signed-in-layout.tsx';
import { Landing } from './landing.tsx';
import { AccessibilityStatementPage } from '../features/accessibility/accessibility-statement-page.tsx';
import { ConfirmEmailPage } from '../features/confirm-email/confirm-email-page.tsx';
import { TenantSwitchPage } from './tenant-switch-page.tsx';
import { adminRoutes } from './admin-pages.tsx';

/**
 * Console routes (SPEC §4a). Signed-in routes sit under SignedInLayout, which sends strangers to /login; the
 * administration pages come from their list (admin-pages.tsx), which the navigation is built from too.
 */
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
            ...adminRoutes(),
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
