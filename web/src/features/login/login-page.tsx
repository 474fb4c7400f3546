import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { readSecondStepFragment, type SsoSecondStep } from '@lanyard/contracts/sso';
import { useEffect, useState, type FormEvent } from 'react';
import { Form, Button as AriaButton } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { messageForCode, messageForError } from '../../ui/error-message.ts';
import { fetchMe, login, meQueryKey } from '../../api/session.ts';
import { readLoginState } from '../../session/navigation-state.ts';
import { landingPath } from '../../session/landing.ts';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useIntl } from 'react-intl';
import { RegionRedirect } from '../presence/region-redirect.tsx';
import { SecondStep, type SecondStepRequest } from './second-step.tsx';
import { SsoLogin } from './sso-login.tsx';

/** The codes a full-page single sign-on brings back as `/login?error=` (anything else is ignored). */
const ssoErrorCodes = new Set(['SSO_FAILED', 'SSO_NOT_AVAILABLE', 'PRESENCE_REASON_LIST_REQUIRED']);


/** The second step a single sign-on asks, as the password step's. */
function secondStepOf(step: SsoSecondStep): SecondStepRequest {
  return step.kind === 'enrol' ? { kind: 'enrol', challenge: step.challenge, allowedPeriods: step.allowedPeriods } : { kind: 'code', challenge: step.challenge };
}

/** Sign-in with username and password (seed 002: "Enter your Username. Enter your Password. Click Submit."). */
export function LoginPage() {
  const intl = useIntl();
  const location = useLocation();
  const { from, notice, username: suggestedUsername } = readLoginState(location.state);
  const queryClient = useQueryClient();
  const me = useQuery({ queryKey: meQueryKey, queryFn: ({ signal }) => fetchMe(signal) });

  const [username, setUsername] = useState(suggestedUsername ?? '');
  const [password, setPassword] = useState('');
  // Supervisor-assisted unlock: a one-time code an administrator read out, entered with the password.
  const [unlockShown, setUnlockShown] = useState(false);
  const [unlockCode, setUnlockCode] = useState('');
  const [searchParams] = useSearchParams();
  const returnedError = searchParams.get('error');
  const [problem, setProblem] = useState<string | null>(returnedError !== null && ssoErrorCodes.has(returnedError) ? messageForCode(intl, returnedError) : null);
  const [ssoShown, setSsoShown] = useState(false);
  // A full-page single sign-on that needs the second step comes back with it in the fragment (never sent to a server).
  const [secondStep, setSecondStep] = useState<SecondStepRequest | null>(() => {
    const returned = readSecondStepFragment(location.hash);
    return returned === null ? null : secondStepOf(returned.step);
  });
  const navigate = useNavigate();
  useEffect(() => {
    // The challenge leaves the address bar (and the history entry) as soon as it is read.
    if (readSecondStepFragment(location.hash) !== null) void navigate({ pathname: location.pathname, search: location.search }, { replace: true, state: location.state as unknown });
  }, [location.hash, location.pathname, location.search, location.state, navigate]);

  async function enter() {
    // Loading the signed-in person sends this page on (see the redirect below).
    const signedIn = await queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: ({ signal }) => fetchMe(signal), staleTime: 0 });
    if (signedIn === null) {
      setSecondStep(null);
      setProblem(intl.formatMessage({ id: 'login.cookieRefused' }));
    }
  }

  const signIn = useMutation({
    mutationFn: login,
    onSuccess: async (answer) => {
      setPassword('');
      if (answer.mfaRequired) {
        setUnlockCode('');
        setSecondStep(answer.mfaEnrolmentRequired ? { kind: 'enrol', challenge: answer.challenge, allowedPeriods: answer.allowedPeriods } : { kind: 'code', challenge: answer.challenge });
        return;
      }
      await enter();
    },
    onError: (error) => {
      setPassword('');
      setProblem(messageForError(intl, error));
    },
  });

  if (me.data) return <Navigate to={from ?? landingPath(me.data.permissions)} replace />;
  if (secondStep !== null) {
    return (
      <SecondStep
        request={secondStep}
        onSignedIn={() => void enter()}
        onRestart={(restartProblem) => {
          setSecondStep(null);
          setProblem(restartProblem);
        }}
      />
    );
  }

  if (ssoShown) {
    return (
      <div className="card card-narrow">
        <PageTitle title={intl.formatMessage({ id: 'login.title' })} />
        <h1 tabIndex={-1}>{intl.formatMessage({ id: 'login.heading' })}</h1>
        <SsoLogin
          initialUsername={username}
          onSignedIn={() => void enter()}
          onSecondStep={(step) => {
            setSsoShown(false);
            setSecondStep(secondStepOf(step));
          }}
          onBack={(ssoUsername) => {
            setUsername(ssoUsername);
            setSsoShown(false);
          }}
        />
      </div>
    );
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (signIn.isPending) return;
    setProblem(null);
    const code = unlockCode.trim();
    signIn.mutate({ username: username.trim(), password, ...(unlockShown && code !== '' ? { unlockCode: code } : {}) });
  }

  return (
    <div className="card card-narrow">
      <PageTitle title={intl.formatMessage({ id: 'login.title' })} />
      <h1 tabIndex={-1}>{intl.formatMessage({ id: 'login.heading' })}</h1>
      <RegionRedirect />
      {notice !== undefined && <Message tone={notice === 'signed-out' ? 'info' : 'success'} title={intl.formatMessage({ id: `login.notice.${notice}` })} />}
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={submit} aria-label={intl.formatMessage({ id: 'login.form' })}>
        <TextField
          label={intl.formatMessage({ id: 'login.username' })}
          name="username"
          autoComplete="username"
          isIdentifier
          isRequired
          value={username}
          onChange={setUsername}
        />
        <TextField
          label={intl.formatMessage({ id: 'login.password' })}
          name="password"
          type="password"
          autoComplete="current-password"
          isRequired
          value={password}
          onChange={setPassword}
        />
        {unlockShown ? (
          <TextField
            label={intl.formatMessage({ id: 'login.unlockCode' })}
            description={intl.formatMessage({ id: 'login.unlockCodeHint' })}
            name="unlockCode"
            autoComplete="one-time-code"
            isIdentifier
            maxLength={32}
            value={unlockCode}
            onChange={setUnlockCode}
            autoFocus
          />
        ) : (
          <p className="small">
            <AriaButton className="link-button" onPress={() => setUnlockShown(true)}>
              {intl.formatMessage({ id: 'login.haveUnlockCode' })}
            </AriaButton>
          </p>
        )}
        <div className="form-actions">
          {/* Not React Aria's isPending: its announcement outlives the page and leaves a nameless image behind. */}
          <Button type="submit" variant="primary">
            {intl.formatMessage({ id: 'login.submit' })}
          </Button>
          {signIn.isPending && <span className="muted">{intl.formatMessage({ id: 'login.signingIn' })}</span>}
        </div>
      </Form>
      <p className="muted small after-form">
        <Link to="/forgot-password" state={username.trim() === '' ? undefined : { username: username.trim() }}>
          {intl.formatMessage({ id: 'login.forgot' })}
        </Link>
      </p>
      <p className="after-form">
        <Button
          onPress={() => {
            setProblem(null);
            setSsoShown(true);
          }}
        >
          {intl.formatMessage({ id: 'login.sso.open' })}
        </Button>
      </p>
    </div>
  );
}
