import { createBrowserRouter, Navigate } from 'react-router';
import { FirstAccessPage } from '../features/first-access/first-access-page.tsx';
import { LoginPage } from '../features/login/login-page.tsx';
import { PasswordPolicyPage } from '../features/admin/password-policy-page.tsx';
import { ForgotPasswordPage } from '../features/password/forgot-password-page.tsx';
import { ResetPasswordPage } from '../features/password/reset-password-page.tsx';
import { ProfilePage } from '../features/profile/profile-page.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { PublicLayout } from './public-layout.tsx';
import { RootLayout } from './root-layout.tsx';
import { RouteErrorPage } from './route-error-page.tsx';
import { SignedInLayout } from './signed-in-layout.tsx';

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
          ],
        },
        {
          element: <SignedInLayout />,
          children: [
            { index: true, element: <Navigate to="/profile/general" replace /> },
            { path: 'profile', element: <Navigate to="/profile/general" replace /> },
            { path: 'profile/:tab', element: <ProfilePage /> },
            { path: 'admin/security/password-policy', element: <PasswordPolicyPage /> },
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
