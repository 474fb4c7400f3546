import { evaluatePassword, type PasswordPolicy } from '@lanyard/contracts/password-policy';
import { useEffect, useId, useState } from 'react';
import { Button } from '../../ui/button.tsx';
import { isApiError } from '../../api/client.ts';
import { messageForError } from '../../ui/error-message.ts';
import { isCommonPassword } from '../../api/passwords.ts';
import type { AlertContent } from '../../ui/message.tsx';
import { PasswordChecklist, type ChecklistItem, type ChecklistState } from '../../ui/password-checklist.tsx';
import { ruleLabel } from '../../ui/password-rules.ts';
import { TextField } from '../../ui/text-field.tsx';
import { useIntl } from 'react-intl';

/** How long typing must pause before the server is asked whether the password is a common one. */
const commonCheckDelayMs = 300;

type CommonAnswer = 'common' | 'uncommon' | 'unavailable';

/**
 * The common-password rule, asked of the server (POST /api/v1/passwords/common-check) once typing pauses
 * for 300 ms, only for a password that meets the length rules. Answers are kept for this form only, so
 * going back to an earlier password asks nothing again; until the answer for the current password is in,
 * the rule is `checking`, which never counts as met.
 */
function useCommonPasswordRule(enabled: boolean, password: string): ChecklistState {
  const [answers, setAnswers] = useState<ReadonlyMap<string, CommonAnswer>>(() => new Map());
  const known = answers.get(password);
  useEffect(() => {
    if (!enabled || known !== undefined) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      isCommonPassword(password, controller.signal).then(
        (common) => setAnswers((previous) => new Map(previous).set(password, common ? 'common' : 'uncommon')),
        () => {
          // Offline, rate limited or overloaded: the rule shows as not checked, and the save checks it.
          if (!controller.signal.aborted) setAnswers((previous) => new Map(previous).set(password, 'unavailable'));
        },
      );
    }, commonCheckDelayMs);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [enabled, password, known]);
  if (!enabled) return 'unmet';
  if (known === undefined) return 'checking';
  return known === 'common' ? 'unmet' : known === 'uncommon' ? 'met' : 'unchecked';
}

interface ServerRejection {
  password: string;
  failedRules: readonly string[];
}

export interface NewPasswordState {
  password: string;
  setPassword: (value: string) => void;
  /** The person has started typing a new password (and has not saved it yet). */
  started: boolean;
  confirmation: string;
  setConfirmation: (value: string) => void;
  /** Every rule, each met, not met or being checked, ending with "Passwords match". */
  items: ChecklistItem[];
  /** All rules met and the confirmation matches: Save may be pressed. */
  canSave: boolean;
  /**
   * Turns a failed save into the message for the alert region. A 422 `PASSWORD_POLICY_VIOLATED` also
   * marks the rules the server failed (including those only it can check) in the checklist, for as long
   * as the person keeps the password they submitted.
   */
  explainFailure: (error: unknown, submitted: string) => AlertContent;
  clear: () => void;
}

/**
 * The state behind "New Password" and "Confirm New Password": the live evaluation with the shared rule
 * evaluator (SPEC §3.3), merged with the rules the server reported as failed.
 */
export function useNewPassword(policy: PasswordPolicy, context: { username: string; email: string }): NewPasswordState {
  const intl = useIntl();
  const [password, setPasswordValue] = useState('');
  const [started, setStarted] = useState(false);
  const [confirmation, setConfirmation] = useState('');
  const [rejection, setRejection] = useState<ServerRejection | null>(null);

  const rules = evaluatePassword(policy, password, context);
  // The common-password rule needs the server; it is asked only once the length rules are met.
  const lengthMet = rules.every((rule) => (rule.id !== 'minLength' && rule.id !== 'maxLength') || rule.met);
  const commonRule = useCommonPasswordRule(policy.blocklist && password.length > 0 && lengthMet, password);
  const serverFailed = rejection !== null && rejection.password === password ? rejection.failedRules : [];
  const items: ChecklistItem[] = rules.map((rule) => ({
    id: rule.id,
    label: ruleLabel(intl, rule.id, policy),
    state: rule.met && !serverFailed.includes(rule.id) ? 'met' : 'unmet',
  }));
  if (policy.blocklist) {
    items.push({ id: 'notCommon', label: ruleLabel(intl, 'notCommon', policy), state: serverFailed.includes('notCommon') ? 'unmet' : commonRule });
  }
  for (const id of serverFailed) {
    if (!items.some((item) => item.id === id)) items.push({ id, label: ruleLabel(intl, id, policy), state: 'unmet' });
  }
  const matches = confirmation.length > 0 && confirmation === password;
  items.push({ id: 'match', label: intl.formatMessage({ id: 'newPassword.match' }), state: matches ? 'met' : 'unmet' });
  // A rule the server could not be asked about now does not hold Save back: the server checks it on save.
  const canSave = items.every((item) => item.state === 'met' || item.state === 'unchecked');

  function explainFailure(error: unknown, submitted: string): AlertContent {
    if (isApiError(error) && error.code === 'PASSWORD_POLICY_VIOLATED') {
      const failed = Array.isArray(error.details.failedRules)
        ? error.details.failedRules.filter((rule): rule is string => typeof rule === 'string')
        : [];
      setRejection({ password: submitted, failedRules: failed });
      const labels = failed.map((id) => ruleLabel(intl, id, policy));
      return {
        tone: 'error',
        title: messageForError(intl, error),
        children:
          labels.length > 0 ? (
            <>
              <p>{intl.formatMessage({ id: 'newPassword.rulesNotMet' })}</p>
              <ul>
                {labels.map((label) => (
                  <li key={label}>{label}</li>
                ))}
              </ul>
            </>
          ) : undefined,
      };
    }
    return { tone: 'error', title: messageForError(intl, error) };
  }

  function setPassword(value: string) {
    setPasswordValue(value);
    if (value.length > 0) setStarted(true);
  }

  function clear() {
    setPasswordValue('');
    setStarted(false);
    setConfirmation('');
    setRejection(null);
  }

  return { password, setPassword, started, confirmation, setConfirmation, items, canSave, explainFailure, clear };
}

interface NewPasswordFieldsProps {
  state: NewPasswordState;
  /**
   * `always` shows the rules from the start (first access, reset); `while-typing` pops them up once the
   * person starts typing a new password (seed 000, Change Password), and keeps them up from then on.
   */
  showRules: 'always' | 'while-typing';
}

/**
 * "New Password", the live rule list, and "Confirm New Password". The rule list is linked to both fields
 * with `aria-describedby`; it never takes focus, so typing is never interrupted.
 */
export function NewPasswordFields({ state, showRules }: NewPasswordFieldsProps) {
  const checklistId = useId();
  const intl = useIntl();
  const visible = showRules === 'always' || state.started;
  const rules = (
    <div className="new-password-rules">
      <PasswordChecklist id={checklistId} title={intl.formatMessage({ id: 'newPassword.rulesTitle' })} items={state.items} />
    </div>
  );
  return (
    <div className={`new-password ${showRules === 'while-typing' ? 'new-password-popup' : ''}`}>
      <div className="new-password-field">
        <TextField
          label={intl.formatMessage({ id: 'newPassword.newPassword' })}
          name="new-password"
          type="password"
          autoComplete="new-password"
          value={state.password}
          onChange={state.setPassword}
          {...(visible ? { 'aria-describedby': checklistId } : {})}
        />
      </div>
      {visible && showRules === 'while-typing' && rules}
      <div className="new-password-confirm">
        <TextField
          label={intl.formatMessage({ id: 'newPassword.confirm' })}
          name="confirm-new-password"
          type="password"
          autoComplete="new-password"
          value={state.confirmation}
          onChange={state.setConfirmation}
          {...(visible ? { 'aria-describedby': checklistId } : {})}
        />
      </div>
      {showRules === 'always' && rules}
    </div>
  );
}

/**
 * Save, disabled until every rule is met and both entries match, with the reason linked to it (seed 000:
 * "If the button is disabled, your password does not yet meet your company's minimum requirements").
 */
export function SavePasswordButton({
  canSave,
  isPending,
  pendingLabel,
  hint,
}: {
  canSave: boolean;
  isPending: boolean;
  pendingLabel: string;
  hint?: string;
}) {
  const hintId = useId();
  const intl = useIntl();
  return (
    <div className="form-actions">
      <Button
        type="submit"
        variant="primary"
        isDisabled={!canSave || isPending}
        {...(canSave ? {} : { 'aria-describedby': hintId })}
      >
        {intl.formatMessage({ id: 'app.save' })}
      </Button>
      {isPending && <span className="muted">{pendingLabel}</span>}
      {!canSave && (
        <p className="field-description" id={hintId}>
          {hint ?? intl.formatMessage({ id: 'newPassword.saveHint' })}
        </p>
      )}
    </div>
  );
}
