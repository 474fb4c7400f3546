import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Button } from '../ui/button.tsx';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { isApiError } from '../api/client.ts';
import { messageForError } from '../ui/error-message.ts';
import { fetchMe, logout, meQueryKey } from '../api/session.ts';
import { CheckCircleIcon } from '../ui/icons.tsx';
import { Loading } from '../ui/loading.tsx';
import { AlertRegion, Message } from '../ui/message.tsx';
import { PageTitle } from '../ui/page-title.tsx';
import { Toasts } from '../ui/toasts.tsx';
import { MeContext } from '../session/me-context.ts';
import { NoticeContext, type Notice } from '../session/notice.ts';
import { TopBar } from './top-bar.tsx';
import { fetchPreferences, preferencesQueryKey } from '../api/account.ts';
import { applyPreferences, forgetStoredPreferences, rememberTenant } from '../session/preferences.ts';
import { AdminNav } from './admin-nav.tsx';
import { MicrophoneStep } from '../features/presence/microphone-step.tsx';
import { InvitationsBanner } from '../features/membership-invitations/invitations-banner.tsx';
import { StatementLink } from '../ui/statement-link.tsx';
import { fetchMicrophone, microphoneQueryKey } from '../api/presence.ts';
import type { LoginLocationState } from '../session/navigation-state.ts';
import { tenantSwitchPath } from './tenant-switch-state.ts';
import { passwordChangePath } from '../session/landing.ts';
import { useIntl } from 'react-intl';

/** The confirmation of something the person just did; it takes focus so nobody misses it. */
function NoticeMessage({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  const intl = useIntl();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const frame = requestAnimationFrame(() => ref.current?.focus());
    return () => cancelAnimationFrame(frame);
  }, [notice]);
  return (
    <div className="message message-success notice" tabIndex={-1} ref={ref}>
      <CheckCircleIcon className="icon message-icon" />
      <div className="message-text">
        <span className="visually-hidden">{intl.formatMessage({ id: 'message.tone.success' })}</span>
        <p className="message-title">{notice.text}</p>
      </div>
      <Button size="small" className="notice-dismiss" onPress={onDismiss}>
        {intl.formatMessage({ id: 'notice.dismiss' })}
      </Button>
    </div>
  );
}

/**
 * Every signed-in page: loads the signed-in person once (GET /api/v1/me), sends strangers to /login
 * (remembering where they wanted to go), keeps a person whose password must change on Change Password,
 * and draws the top bar.
 */
export function SignedInLayout() {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  // Checked again when the person comes back to the tab, so an expired session is noticed at once.
  const me = useQuery({ queryKey: meQueryKey, queryFn: ({ signal }) => fetchMe(signal), refetchOnWindowFocus: true });
  // The person's stored preferences (My Profile › Accessibility) apply before their first signed-in page is drawn.
  const preferences = useQuery({ queryKey: preferencesQueryKey, queryFn: async ({ signal }) => {
      const answer = await fetchPreferences(signal);
      // Applied here, before the page that waits for them renders: no frame is drawn with the old ones.
      applyPreferences(answer);
      return answer;
    },
    enabled: me.data != null });
  // Whether the microphone step shows is known before the first page is drawn too: a panel appearing above
  // the page a moment later would move what the person is about to click (and a press whose pointer is
  // released off its target does nothing).
  const usesPresence = me.data?.passwordChangeRequired === false && me.data.permissions.includes('presence.use');
  const microphone = useQuery({ queryKey: microphoneQueryKey, queryFn: ({ signal }) => fetchMicrophone(signal), enabled: usesPresence });
  useEffect(() => {
    if (preferences.data !== undefined) applyPreferences(preferences.data);
  }, [preferences.data]);
  useEffect(() => {
    if (me.data != null) rememberTenant(me.data.tenant.id);
  }, [me.data]);
  const signingOut = useRef(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  async function signOut() {
    setSignOutError(null);
    signingOut.current = true;
    try {
      await logout();
    } catch (error) {
      const alreadySignedOut = isApiError(error) && (error.code === 'AUTH_REQUIRED' || error.code === 'AUTH_SESSION_EXPIRED');
      if (!alreadySignedOut) {
        signingOut.current = false;
        setSignOutError(intl.formatMessage({ id: 'signedIn.stillSignedIn' }, { reason: messageForError(intl, error) }));
        return;
      }
    }
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meQueryKey[0] });
    forgetStoredPreferences();
    queryClient.setQueryData(meQueryKey, null);
    const state: LoginLocationState = { notice: 'signed-out' };
    await navigate('/login', { replace: true, state });
  }

  if (me.isPending || (me.data != null && (preferences.isPending || (usesPresence && microphone.isPending)))) {
    return (
      <div className="page">
        <main id="main" tabIndex={-1} className="signed-in-main">
          <Loading />
        </main>
      </div>
    );
  }

  if (me.isError) {
    return (
      <div className="page">
        <PageTitle title={intl.formatMessage({ id: 'routeError.title' })} />
        <main id="main" tabIndex={-1} className="signed-in-main">
          <h1 tabIndex={-1}>{intl.formatMessage({ id: 'signedIn.loadFailed' })}</h1>
          <Message tone="error">
            <p>{messageForError(intl, me.error)}</p>
            {isApiError(me.error) && me.error.requestId !== undefined && <p className="muted">{intl.formatMessage({ id: 'signedIn.requestId' }, { requestId: me.error.requestId })}</p>}
          </Message>
          <Button variant="primary" onPress={() => void me.refetch()}>
            {intl.formatMessage({ id: 'app.tryAgain' })}
          </Button>
        </main>
      </div>
    );
  }

  if (me.data === null) {
    if (signingOut.current) return null;
    const state: LoginLocationState = { from: `${location.pathname}${location.search}${location.hash}` };
    return <Navigate to="/login" replace state={state} />;
  }

  // Until the password is changed, the server refuses everything else (403 PASSWORD_CHANGE_REQUIRED).
  if (me.data.passwordChangeRequired && location.pathname !== passwordChangePath) {
    const state: LoginLocationState = { from: `${location.pathname}${location.search}${location.hash}` };
    return <Navigate to={passwordChangePath} replace state={state} />;
  }

  const visibleNotice = notice !== null && notice.path === location.pathname ? notice : null;
  return (
    <MeContext value={me.data}>
      <NoticeContext value={setNotice}>
        <div className="page page-signed-in">
          <TopBar me={me.data} onSignOut={signOut} />
          {!me.data.passwordChangeRequired && <AdminNav permissions={me.data.permissions} />}
          <main id="main" tabIndex={-1} className="signed-in-main">
            <AlertRegion message={signOutError === null ? null : { tone: 'error', title: signOutError }} />
            <div role="status" className="status-region">
              {visibleNotice !== null && <NoticeMessage notice={visibleNotice} onDismiss={() => setNotice(null)} />}
            </div>
            {/* Not over a tenant switch's enrolment: that step has the page to itself. */}
            {usesPresence && location.pathname !== tenantSwitchPath && <MicrophoneStep />}
            {/* Not where it would repeat My Profile › General's list, nor over a step that has the page to itself. */}
            {!me.data.passwordChangeRequired && location.pathname !== tenantSwitchPath && location.pathname !== '/profile/general' && <InvitationsBanner />}
            <Outlet />
          </main>
          <footer className="site-footer">
            <StatementLink />
          </footer>
          <Toasts />
        </div>
      </NoticeContext>
    </MeContext>
  );
}
