import type { MfaStatus, SessionItem, TotpEnrolment } from '@lanyard/contracts/mfa';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { isApiError } from '../../api/client.ts';
import { messageForError } from '../../ui/error-message.ts';
import {
  confirmTotp,
  disableTotp,
  endSession,
  fetchMfaStatus,
  listSessions,
  mfaStatusQueryKey,
  regenerateRecoveryCodes,
  sessionsQueryKey,
  startTotp,
} from '../../api/mfa.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { showToast } from '../../ui/toasts.tsx';
import { PasswordDialog } from './password-dialog.tsx';
import { AuthenticationCodeField, EnrolmentDetails, initialSecretChoice, RecoveryCodesPanel, SecretChoiceFields, secretRequest, type SecretChoice } from './totp-setup.tsx';

/** My Profile › Security: the second factor (seed 001's MFA Secret and period) and the sessions list. */
export function SecurityTab() {
  return (
    <div className="stack">
      <MfaSection />
      <SessionsSection />
    </div>
  );
}

type Step = { kind: 'status' } | { kind: 'choose' } | { kind: 'confirm'; enrolment: TotpEnrolment } | { kind: 'codes'; codes: string[] };

/** Moves the focus to a step's heading when the step changes, so keyboard and screen reader users follow. */
function useFocusOnChange(key: string) {
  const ref = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    ref.current?.focus();
  }, [key]);
  return ref;
}

function MfaSection() {
  const intl = useIntl();
  const status = useQuery({ queryKey: mfaStatusQueryKey, queryFn: ({ signal }) => fetchMfaStatus(signal) });
  const [step, setStep] = useState<Step>({ kind: 'status' });
  const headingRef = useFocusOnChange(step.kind);

  return (
    <section aria-labelledby="mfa-heading" className="panel-section mfa-section">
      <h2 id="mfa-heading" ref={headingRef} tabIndex={-1}>
        {intl.formatMessage({ id: 'mfa.heading' })}
      </h2>
      <p>{intl.formatMessage({ id: 'mfa.intro' })}</p>
      {status.isPending ? (
        <Loading />
      ) : status.isError ? (
        <Message tone="error" title={intl.formatMessage({ id: 'mfa.loadFailed' })}>
          <p>{messageForError(intl, status.error)}</p>
        </Message>
      ) : step.kind === 'choose' ? (
        <ChooseSecret status={status.data} onCancel={() => setStep({ kind: 'status' })} onStarted={(enrolment) => setStep({ kind: 'confirm', enrolment })} />
      ) : step.kind === 'confirm' ? (
        <ConfirmCode enrolment={step.enrolment} onCancel={() => setStep({ kind: 'status' })} onConfirmed={(codes) => setStep({ kind: 'codes', codes })} />
      ) : step.kind === 'codes' ? (
        <RecoveryCodesPanel codes={step.codes} onDone={() => setStep({ kind: 'status' })} />
      ) : (
        <MfaStatusView status={status.data} onSetUp={() => setStep({ kind: 'choose' })} onNewCodes={(codes) => setStep({ kind: 'codes', codes })} />
      )}
    </section>
  );
}

function MfaStatusView({ status, onSetUp, onNewCodes }: { status: MfaStatus; onSetUp: () => void; onNewCodes: (codes: string[]) => void }) {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<'disable' | 'codes' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const enabled = status.totp.enabled;

  const change = useMutation({
    mutationFn: async ({ kind, password }: { kind: 'disable' | 'codes'; password: string }) => (kind === 'disable' ? (await disableTotp(password), null) : regenerateRecoveryCodes(password)),
    onSuccess: async (codes, { kind }) => {
      setDialog(null);
      setProblem(null);
      await queryClient.invalidateQueries({ queryKey: mfaStatusQueryKey });
      if (kind === 'disable') showToast({ tone: 'success', text: intl.formatMessage({ id: 'mfa.disabled' }) });
      else if (codes !== null) {
        showToast({ tone: 'success', text: intl.formatMessage({ id: 'mfa.recovery.regenerated' }) });
        onNewCodes(codes);
      }
    },
    onError: (error) => setProblem(messageForError(intl, error)),
  });

  return (
    <>
      <dl className="pairs mfa-status">
        <div>
          <dt>{intl.formatMessage({ id: 'mfa.status' })}</dt>
          <dd>
            <span className={enabled ? 'badge badge-success' : 'badge'} data-mfa-status={enabled ? 'on' : 'off'}>
              {intl.formatMessage({ id: enabled ? 'mfa.status.on' : 'mfa.status.off' })}
            </span>
          </dd>
        </div>
        {enabled && status.totp.enrolledAt !== null && (
          <div>
            <dt>{intl.formatMessage({ id: 'mfa.enrolledAt' })}</dt>
            <dd>{intl.formatDate(status.totp.enrolledAt, { dateStyle: 'medium', timeStyle: 'short' })}</dd>
          </div>
        )}
        {enabled && status.totp.period !== null && (
          <div>
            <dt>{intl.formatMessage({ id: 'mfa.period.label' })}</dt>
            <dd>{intl.formatMessage({ id: 'mfa.period.seconds' }, { seconds: status.totp.period })}</dd>
          </div>
        )}
        {enabled && (
          <div>
            <dt>{intl.formatMessage({ id: 'mfa.recovery.remainingLabel' })}</dt>
            <dd>{intl.formatMessage({ id: 'mfa.recovery.remaining' }, { count: status.recoveryCodesRemaining })}</dd>
          </div>
        )}
      </dl>
      {status.required && <Message tone="info" title={intl.formatMessage({ id: enabled ? 'mfa.requiredOn' : 'mfa.requiredOff' })} />}
      {!enabled && !status.available && <Message tone="info" title={intl.formatMessage({ id: 'mfa.notAvailable' })} />}
      <div className="form-actions">
        {!enabled && status.available && (
          <Button variant="primary" onPress={onSetUp}>
            {intl.formatMessage({ id: 'mfa.setUp' })}
          </Button>
        )}
        {enabled && (
          <Button onPress={() => setDialog('codes')}>
            {intl.formatMessage({ id: 'mfa.recovery.regenerate' })}
          </Button>
        )}
        {enabled && !status.required && (
          <Button variant="danger" onPress={() => setDialog('disable')}>
            {intl.formatMessage({ id: 'mfa.turnOff' })}
          </Button>
        )}
      </div>
      <PasswordDialog
        isOpen={dialog !== null}
        heading={intl.formatMessage({ id: dialog === 'disable' ? 'mfa.turnOff.heading' : 'mfa.recovery.regenerate.heading' })}
        confirmLabel={intl.formatMessage({ id: dialog === 'disable' ? 'mfa.turnOff' : 'mfa.recovery.regenerate' })}
        danger={dialog === 'disable'}
        isPending={change.isPending}
        problem={problem}
        onCancel={() => {
          setDialog(null);
          setProblem(null);
        }}
        onConfirm={(password) => dialog !== null && change.mutate({ kind: dialog, password })}
      >
        <p>{intl.formatMessage({ id: dialog === 'disable' ? 'mfa.turnOff.body' : 'mfa.recovery.regenerate.body' })}</p>
      </PasswordDialog>
    </>
  );
}

function ChooseSecret({ status, onCancel, onStarted }: { status: MfaStatus; onCancel: () => void; onStarted: (enrolment: TotpEnrolment) => void }) {
  const intl = useIntl();
  const [password, setPassword] = useState('');
  const [choice, setChoice] = useState<SecretChoice>(initialSecretChoice);
  const [problem, setProblem] = useState<string | null>(null);
  const [secretError, setSecretError] = useState<string | undefined>(undefined);
  const start = useMutation({
    mutationFn: () => startTotp({ currentPassword: password, ...secretRequest(choice) }),
    onSuccess: onStarted,
    onError: (error) => {
      setPassword('');
      if (isApiError(error) && error.code === 'MFA_SECRET_INVALID') setSecretError(messageForError(intl, error));
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

  return (
    <Form className="form mfa-setup" onSubmit={submit} aria-label={intl.formatMessage({ id: 'mfa.setUp' })}>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <SecretChoiceFields
          choice={choice}
          onChange={(next) => {
            setChoice(next);
            setSecretError(undefined);
          }} allowedPeriods={status.allowedPeriods} secretError={secretError} />
      <TextField
        label={intl.formatMessage({ id: 'mfa.currentPassword' })}
        description={intl.formatMessage({ id: 'mfa.currentPasswordHint' })}
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        isRequired
        value={password}
        onChange={setPassword}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary">
          {intl.formatMessage({ id: 'mfa.setup.continue' })}
        </Button>
        <Button onPress={onCancel}>
          {intl.formatMessage({ id: 'app.cancel' })}
        </Button>
        {start.isPending && <span className="muted">{intl.formatMessage({ id: 'app.working' })}</span>}
      </div>
    </Form>
  );
}

function ConfirmCode({ enrolment, onCancel, onConfirmed }: { enrolment: TotpEnrolment; onCancel: () => void; onConfirmed: (codes: string[]) => void }) {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const confirm = useMutation({
    mutationFn: () => confirmTotp(code.trim()),
    onSuccess: async (codes) => {
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'mfa.enabled' }) });
      await queryClient.invalidateQueries({ queryKey: mfaStatusQueryKey });
      onConfirmed(codes);
    },
    onError: (error) => {
      setCode('');
      setProblem(messageForError(intl, error));
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (confirm.isPending) return;
    setProblem(null);
    confirm.mutate();
  }

  return (
    <Form className="form mfa-setup" onSubmit={submit} aria-label={intl.formatMessage({ id: 'mfa.setup.confirmForm' })}>
      <EnrolmentDetails enrolment={enrolment} />
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <AuthenticationCodeField value={code} onChange={setCode} />
      <div className="form-actions">
        <Button type="submit" variant="primary">
          {intl.formatMessage({ id: 'mfa.setup.confirm' })}
        </Button>
        <Button onPress={onCancel}>
          {intl.formatMessage({ id: 'app.cancel' })}
        </Button>
        {confirm.isPending && <span className="muted">{intl.formatMessage({ id: 'app.working' })}</span>}
      </div>
    </Form>
  );
}

function SessionsSection() {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: sessionsQueryKey, queryFn: ({ signal }) => listSessions(signal) });
  const end = useMutation({
    mutationFn: (session: SessionItem) => endSession(session.id),
    onSuccess: async () => {
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'sessions.ended' }) });
      await queryClient.invalidateQueries({ queryKey: sessionsQueryKey });
    },
    onError: (error) => showToast({ tone: 'error', text: messageForError(intl, error) }),
  });
  const formatDate = (iso: string) => intl.formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' });
  const columns = {
    device: intl.formatMessage({ id: 'sessions.column.device' }),
    ip: intl.formatMessage({ id: 'sessions.column.ip' }),
    created: intl.formatMessage({ id: 'sessions.column.created' }),
    lastSeen: intl.formatMessage({ id: 'sessions.column.lastSeen' }),
    actions: intl.formatMessage({ id: 'sessions.column.actions' }),
  };

  return (
    <section aria-labelledby="sessions-heading" className="panel-section">
      <h2 id="sessions-heading">{intl.formatMessage({ id: 'sessions.heading' })}</h2>
      <p>{intl.formatMessage({ id: 'sessions.intro' })}</p>
      {sessions.isPending ? (
        <Loading />
      ) : sessions.isError ? (
        <Message tone="error" title={intl.formatMessage({ id: 'sessions.loadFailed' })}>
          <p>{messageForError(intl, sessions.error)}</p>
        </Message>
      ) : (
        <div className="table-scroll">
          <table className="data-table table-stacked" role="table">
            <caption className="visually-hidden">{intl.formatMessage({ id: 'sessions.caption' })}</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">{columns.device}</th>
                <th scope="col" role="columnheader">{columns.ip}</th>
                <th scope="col" role="columnheader">{columns.created}</th>
                <th scope="col" role="columnheader">{columns.lastSeen}</th>
                <th scope="col" role="columnheader">
                  <span className="visually-hidden">{columns.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {sessions.data.items.map((session) => {
                const device = session.device ?? session.userAgent ?? intl.formatMessage({ id: 'sessions.unknownDevice' });
                return (
                  <tr key={session.id} role="row" data-session-id={session.id} data-current={session.current ? 'true' : undefined}>
                    <td role="cell" className="cell-wide" data-label={columns.device}>
                      <span className="session-device">{device}</span>
                      {session.current && <span className="badge badge-info">{intl.formatMessage({ id: 'sessions.thisDevice' })}</span>}
                    </td>
                    <td role="cell" data-label={columns.ip}>
                      {session.ip ?? <span className="muted">{intl.formatMessage({ id: 'sessions.noIp' })}</span>}
                    </td>
                    <td role="cell" data-label={columns.created}>
                      {formatDate(session.createdAt)}
                    </td>
                    <td role="cell" data-label={columns.lastSeen}>
                      {formatDate(session.lastSeenAt)}
                    </td>
                    <td role="cell" className="cell-actions">
                      {!session.current && (
                        <Button size="small" aria-label={intl.formatMessage({ id: 'sessions.signOutLabel' }, { device, created: formatDate(session.createdAt) })} onPress={() => end.mutate(session)}>
                          {intl.formatMessage({ id: 'sessions.signOut' })}
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
