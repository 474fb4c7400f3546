import type { LoginMfaResponse } from '@lanyard/contracts/api';
import type { TotpEnrolment, TotpPeriod } from '@lanyard/contracts/mfa';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button as AriaButton, Form } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { isApiError } from '../../api/client.ts';
import { messageForError } from '../../ui/error-message.ts';
import { loginWithCode, startEnrolmentAtSignIn } from '../../api/mfa.ts';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { AuthenticationCodeField, EnrolmentDetails, initialSecretChoice, RecoveryCodesPanel, SecretChoiceFields, secretRequest, type SecretChoice } from '../mfa/totp-setup.tsx';

/** What the password step asked for next. */
export type SecondStepRequest = { kind: 'code'; challenge: string } | { kind: 'enrol'; challenge: string; allowedPeriods: TotpPeriod[] };

/** The sign-in's wording, replaced where the step runs for something else (a tenant switch): each from the message catalogue. */
export interface SecondStepTexts {
  /** Why the enrolment is asked. */
  required: string;
  intro: string;
  /** The way out without finishing. */
  back: string;
  /** The button after the recovery codes. */
  continue: string;
  /** What the code step says above the field, where it is not the sign-in's. */
  codeIntro?: string;
}

/** The challenge is gone (expired, used, or the account locked meanwhile): the person starts again. */
function endsTheAttempt(error: unknown): boolean {
  return isApiError(error) && (error.code === 'MFA_CHALLENGE_INVALID' || error.code === 'ACCOUNT_LOCKED');
}

/** Focuses the step's heading when the step appears (unless `enabled` is false: a field takes the focus instead). */
function useFocusedHeading(key: string, enabled = true) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (enabled) ref.current?.focus();
  }, [key, enabled]);
  return ref;
}

/**
 * The sign-in's second step: the authentication code (or a recovery code), or, when the role must use
 * MFA and none is set up, the enrolment — the same screens as My Profile › Security.
 */
export function SecondStep({ request, onSignedIn, onRestart, texts }: { request: SecondStepRequest; onSignedIn: () => void; onRestart: (problem: string | null) => void; texts?: SecondStepTexts }) {
  const intl = useIntl();
  const wording: SecondStepTexts = texts ?? {
    required: intl.formatMessage({ id: 'login.enrol.required' }),
    intro: intl.formatMessage({ id: 'login.enrol.intro' }),
    back: intl.formatMessage({ id: 'login.code.back' }),
    continue: intl.formatMessage({ id: 'login.enrolled.continue' }),
  };
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  if (recoveryCodes !== null) return <EnrolledAtSignIn codes={recoveryCodes} onContinue={onSignedIn} wording={wording} />;
  if (request.kind === 'enrol' && enrolment === null) return <ForcedEnrolment challenge={request.challenge} allowedPeriods={request.allowedPeriods} onStarted={setEnrolment} onRestart={onRestart} wording={wording} />;
  return (
    <CodeStep
      wording={wording}
      challenge={request.challenge}
      enrolment={enrolment}
      onRestart={onRestart}
      onDone={(answer: LoginMfaResponse) => {
        if (answer.recoveryCodes !== undefined) setRecoveryCodes(answer.recoveryCodes);
        else onSignedIn();
      }}
    />
  );
}

function CodeStep({
  challenge,
  enrolment,
  onDone,
  onRestart,
  wording,
}: {
  challenge: string;
  enrolment: TotpEnrolment | null;
  onDone: (answer: LoginMfaResponse) => void;
  onRestart: (problem: string | null) => void;
  wording: SecondStepTexts;
}) {
  const intl = useIntl();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const enrolling = enrolment !== null;
  // The code field takes the focus itself; after an enrolment, the heading does, so the QR code's steps are read first.
  const headingRef = useFocusedHeading('code', enrolling);
  const verify = useMutation({
    mutationFn: () => loginWithCode(challenge, code.trim()),
    onSuccess: onDone,
    onError: (error) => {
      setCode('');
      if (endsTheAttempt(error)) onRestart(messageForError(intl, error));
      else setProblem(messageForError(intl, error));
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (verify.isPending) return;
    setProblem(null);
    verify.mutate();
  }

  const heading = intl.formatMessage({ id: enrolling ? 'login.enrol.heading' : useRecovery ? 'login.recovery.heading' : 'login.code.heading' });
  return (
    <div className="card card-narrow code-step">
      <PageTitle title={heading} />
      <h1 tabIndex={-1} ref={headingRef}>
        {heading}
      </h1>
      {enrolling ? <EnrolmentDetails enrolment={enrolment} /> : <p>{useRecovery ? intl.formatMessage({ id: 'login.recovery.intro' }) : (wording.codeIntro ?? intl.formatMessage({ id: 'login.code.intro' }))}</p>}
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={submit} aria-label={heading}>
        {useRecovery ? (
          <TextField
            label={intl.formatMessage({ id: 'login.recovery.label' })}
            description={intl.formatMessage({ id: 'login.recovery.hint' })}
            name="recoveryCode"
            autoComplete="off"
            isIdentifier
            isRequired
            maxLength={64}
            value={code}
            onChange={setCode}
            autoFocus
          />
        ) : (
          <AuthenticationCodeField value={code} onChange={setCode} autoFocus={!enrolling} />
        )}
        <div className="form-actions">
          <Button type="submit" variant="primary">
            {intl.formatMessage({ id: enrolling ? 'mfa.setup.confirm' : 'login.code.submit' })}
          </Button>
          {verify.isPending && <span className="muted">{intl.formatMessage({ id: 'login.signingIn' })}</span>}
        </div>
      </Form>
      <p className="small after-form">
        {!enrolling && (
          <AriaButton
            className="link-button"
            onPress={() => {
              setUseRecovery(!useRecovery);
              setCode('');
              setProblem(null);
            }}
          >
            {intl.formatMessage({ id: useRecovery ? 'login.code.useCode' : 'login.code.useRecovery' })}
          </AriaButton>
        )}
      </p>
      <p className="muted small">
        <AriaButton className="link-button" onPress={() => onRestart(null)}>
          {wording.back}
        </AriaButton>
      </p>
    </div>
  );
}

function ForcedEnrolment({
  challenge,
  allowedPeriods,
  onStarted,
  onRestart,
  wording,
}: {
  challenge: string;
  allowedPeriods: TotpPeriod[];
  onStarted: (enrolment: TotpEnrolment) => void;
  onRestart: (problem: string | null) => void;
  wording: SecondStepTexts;
}) {
  const intl = useIntl();
  const [choice, setChoice] = useState<SecretChoice>(initialSecretChoice);
  const [problem, setProblem] = useState<string | null>(null);
  const [secretError, setSecretError] = useState<string | undefined>(undefined);
  const headingRef = useFocusedHeading('enrol');
  const start = useMutation({
    mutationFn: () => startEnrolmentAtSignIn(challenge, secretRequest(choice)),
    onSuccess: onStarted,
    onError: (error) => {
      if (endsTheAttempt(error)) onRestart(messageForError(intl, error));
      else if (isApiError(error) && error.code === 'MFA_SECRET_INVALID') setSecretError(messageForError(intl, error));
      else setProblem(messageForError(intl, error));
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (start.isPending) return;
    setProblem(null);
    setSecretError(undefined);
    start.mutate();
  }

  const heading = intl.formatMessage({ id: 'login.enrol.heading' });
  return (
    <div className="card code-step">
      <PageTitle title={heading} />
      <h1 tabIndex={-1} ref={headingRef}>
        {heading}
      </h1>
      <Message tone="info" title={wording.required}>
        <p>{wording.intro}</p>
      </Message>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={submit} aria-label={heading}>
        <SecretChoiceFields
          choice={choice}
          onChange={(next) => {
            setChoice(next);
            setSecretError(undefined);
          }} allowedPeriods={allowedPeriods} secretError={secretError} />
        <div className="form-actions">
          <Button type="submit" variant="primary">
            {intl.formatMessage({ id: 'mfa.setup.continue' })}
          </Button>
          {start.isPending && <span className="muted">{intl.formatMessage({ id: 'app.working' })}</span>}
        </div>
      </Form>
      <p className="muted small after-form">
        <AriaButton className="link-button" onPress={() => onRestart(null)}>
          {wording.back}
        </AriaButton>
      </p>
    </div>
  );
}

function EnrolledAtSignIn({ codes, onContinue, wording }: { codes: string[]; onContinue: () => void; wording: SecondStepTexts }) {
  const intl = useIntl();
  const headingRef = useFocusedHeading('enrolled');
  const heading = intl.formatMessage({ id: 'login.enrolled.heading' });
  return (
    <div className="card code-step">
      <PageTitle title={heading} />
      <h1 tabIndex={-1} ref={headingRef}>
        {heading}
      </h1>
      <p>{intl.formatMessage({ id: 'login.enrolled.intro' })}</p>
      <RecoveryCodesPanel codes={codes} onDone={onContinue} doneLabel={wording.continue} headingLevel={2} />
    </div>
  );
}
