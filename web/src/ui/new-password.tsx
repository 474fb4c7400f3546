import { evaluatePassword, isPasswordRuleId, passwordRuleLabel, type PasswordPolicy } from '@lanyard/contracts/password-policy';
import { useId, useState } from 'react';
import { Button } from 'react-aria-components';
import { isApiError, messageForError } from '../api/client.ts';
import type { AlertContent } from './message.tsx';
import { PasswordChecklist, type ChecklistItem } from './password-checklist.tsx';
import { TextField } from './text-field.tsx';

/** The wording of a rule the server failed, including those only it can check (common, reused). */
function ruleLabel(id: string, policy: PasswordPolicy): string {
  return isPasswordRuleId(id) ? passwordRuleLabel(id, policy) : id;
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
  /** Every rule, each met or not, ending with "Passwords match". */
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
  const [password, setPasswordValue] = useState('');
  const [started, setStarted] = useState(false);
  const [confirmation, setConfirmation] = useState('');
  const [rejection, setRejection] = useState<ServerRejection | null>(null);

  const rules = evaluatePassword(policy, password, context);
  const serverFailed = rejection !== null && rejection.password === password ? rejection.failedRules : [];
  const items: ChecklistItem[] = rules.map((rule) => ({
    id: rule.id,
    label: rule.label,
    met: rule.met && !serverFailed.includes(rule.id),
  }));
  for (const id of serverFailed) {
    if (!items.some((item) => item.id === id)) items.push({ id, label: ruleLabel(id, policy), met: false });
  }
  items.push({ id: 'match', label: 'Passwords match', met: confirmation.length > 0 && confirmation === password });
  const canSave = items.every((item) => item.met);

  function explainFailure(error: unknown, submitted: string): AlertContent {
    if (isApiError(error) && error.code === 'PASSWORD_POLICY_VIOLATED') {
      const failed = Array.isArray(error.details.failedRules)
        ? error.details.failedRules.filter((rule): rule is string => typeof rule === 'string')
        : [];
      setRejection({ password: submitted, failedRules: failed });
      const labels = failed.map((id) => ruleLabel(id, policy));
      return {
        tone: 'error',
        title: messageForError(error),
        children:
          labels.length > 0 ? (
            <>
              <p>These rules are not met:</p>
              <ul>
                {labels.map((label) => (
                  <li key={label}>{label}</li>
                ))}
              </ul>
            </>
          ) : undefined,
      };
    }
    return { tone: 'error', title: messageForError(error) };
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
  const visible = showRules === 'always' || state.started;
  const rules = (
    <div className="new-password-rules">
      <PasswordChecklist id={checklistId} title="Your password must meet these rules:" items={state.items} />
    </div>
  );
  return (
    <div className={`new-password ${showRules === 'while-typing' ? 'new-password-popup' : ''}`}>
      <div className="new-password-field">
        <TextField
          label="New Password"
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
          label="Confirm New Password"
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
  hint = 'Save becomes available when every rule is met.',
}: {
  canSave: boolean;
  isPending: boolean;
  pendingLabel: string;
  hint?: string;
}) {
  const hintId = useId();
  return (
    <div className="form-actions">
      <Button
        type="submit"
        className="button button-primary"
        isDisabled={!canSave || isPending}
        {...(canSave ? {} : { 'aria-describedby': hintId })}
      >
        Save
      </Button>
      {isPending && <span className="muted">{pendingLabel}</span>}
      {!canSave && (
        <p className="field-description" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
