import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { useId, useState } from 'react';
import { Button } from '../../ui/button.tsx';
import { Checkbox } from '../../ui/checkbox.tsx';
import { NumberField } from '../../ui/number-field.tsx';
import { SelectField } from '../../ui/select-field.tsx';
import { useIntl, type IntlShape } from 'react-intl';
import type { MessageId } from '../../i18n/messages.ts';

export interface PolicyPreset {
  id: string;
  name: string;
  policy: PasswordPolicy;
}

type NumberRule = 'minLength' | 'maxLength' | 'historyCount' | 'historyDays' | 'expiryDays';

/** The range of each number, as the server's schema has it (contracts/src/password-policy.ts). */
const ranges: Record<NumberRule, { min: number; max: number }> = {
  minLength: { min: 1, max: 256 },
  maxLength: { min: 8, max: 1024 },
  historyCount: { min: 0, max: 24 },
  historyDays: { min: 0, max: 3650 },
  expiryDays: { min: 0, max: 3650 },
};

/** A problem with one number, as a catalogue message and its values. */
export interface PolicyProblem {
  id: MessageId;
  values?: { min: number; max: number };
}

export type PolicyProblems = Partial<Record<NumberRule, PolicyProblem>>;

/**
 * What is wrong with each number of a policy before it is sent: empty, not whole, out of range, or a
 * maximum below the minimum (the server answers 400 VALIDATION_FAILED / 422 PASSWORD_POLICY_INVALID too).
 */
export function policyProblems(policy: PasswordPolicy): PolicyProblems {
  const problems: PolicyProblems = {};
  for (const [field, range] of Object.entries(ranges) as [NumberRule, { min: number; max: number }][]) {
    const value = policy[field];
    if (!Number.isInteger(value) || value < range.min || value > range.max) problems[field] = { id: 'policy.outOfRange', values: range };
  }
  if (problems.minLength === undefined && problems.maxLength === undefined && policy.minLength > policy.maxLength) {
    problems.maxLength = { id: 'policy.maxBelowMin' };
  }
  return problems;
}

/** Whether the policy may be sent. */
export function isPolicyValid(policy: PasswordPolicy): boolean {
  return Object.keys(policyProblems(policy)).length === 0;
}

/** Save, disabled while a value is wrong, with the reason linked to it. */
export function PolicySaveButton({ policy, isPending }: { policy: PasswordPolicy; isPending: boolean }) {
  const intl = useIntl();
  const hintId = useId();
  const valid = isPolicyValid(policy);
  return (
    <>
      <Button
        type="submit"
        variant="primary"
        isDisabled={!valid || isPending}
        {...(valid ? {} : { 'aria-describedby': hintId })}
      >
        {intl.formatMessage({ id: 'app.save' })}
      </Button>
      {!valid && (
        <p className="field-description" id={hintId}>
          {intl.formatMessage({ id: 'policy.saveHint' })}
        </p>
      )}
    </>
  );
}

/** "12–128 characters; needs uppercase, lowercase, number; …": one line for a table. */
export function summarisePolicy(intl: IntlShape, policy: PasswordPolicy): string {
  const message = (id: MessageId, values?: Record<string, number | string>) => intl.formatMessage({ id }, values);
  const parts = [message('policy.summary.length', { min: policy.minLength, max: policy.maxLength })];
  const kinds = [
    policy.requireUppercase && message('policy.summary.uppercase'),
    policy.requireLowercase && message('policy.summary.lowercase'),
    policy.requireDigit && message('policy.summary.digit'),
    policy.requireSpecial && message('policy.summary.special'),
  ].filter((kind): kind is string => typeof kind === 'string');
  parts.push(
    kinds.length === 0
      ? message('policy.summary.noKinds')
      : message('policy.summary.needs', { kinds: intl.formatList(kinds, { type: 'unit', style: 'short' }) }),
  );
  if (policy.historyCount > 0) parts.push(message('policy.summary.historyCount', { count: policy.historyCount }));
  if (policy.historyDays > 0) parts.push(message('policy.summary.historyDays', { count: policy.historyDays }));
  parts.push(policy.expiryDays > 0 ? message('policy.summary.expires', { count: policy.expiryDays }) : message('policy.summary.neverExpires'));
  return parts.join(message('policy.summary.separator'));
}

interface PasswordPolicyFieldsProps {
  value: PasswordPolicy;
  onChange: (value: PasswordPolicy) => void;
  presets: readonly PolicyPreset[];
}

/**
 * Every rule of a password policy (SPEC §3.3), grouped, with a preset to start from. Used for the tenant
 * policy and, in a dialog, for a role's own policy.
 */
export function PasswordPolicyFields({ value, onChange, presets }: PasswordPolicyFieldsProps) {
  const intl = useIntl();
  const [preset, setPreset] = useState<string | null>(null);
  const found = policyProblems(value);
  const problems: Partial<Record<NumberRule, string>> = {};
  for (const [field, problem] of Object.entries(found) as [NumberRule, PolicyProblem][]) {
    problems[field] = intl.formatMessage({ id: problem.id }, problem.values);
  }

  function update(patch: Partial<PasswordPolicy>) {
    setPreset(null);
    onChange({ ...value, ...patch });
  }

  return (
    <div className="policy-fields">
      <SelectField
        label={intl.formatMessage({ id: 'policy.preset' })}
        description={intl.formatMessage({ id: 'policy.presetHint' })}
        placeholder={intl.formatMessage({ id: 'policy.presetPlaceholder' })}
        options={presets}
        value={preset}
        onChange={(id) => {
          const chosen = presets.find((entry) => entry.id === id);
          setPreset(id);
          if (chosen !== undefined) onChange({ ...chosen.policy });
        }}
      />

      <fieldset className="fieldset">
        <legend>{intl.formatMessage({ id: 'policy.length' })}</legend>
        <div className="field-row">
          <NumberField
            label={intl.formatMessage({ id: 'policy.minLength' })}
            unit="characters"
            name="minLength"
            value={value.minLength}
            minValue={ranges.minLength.min}
            maxValue={ranges.minLength.max}
            errorMessage={problems.minLength}
            onChange={(minLength) => update({ minLength })}
          />
          <NumberField
            label={intl.formatMessage({ id: 'policy.maxLength' })}
            unit="characters"
            name="maxLength"
            value={value.maxLength}
            minValue={ranges.maxLength.min}
            maxValue={ranges.maxLength.max}
            description={intl.formatMessage({ id: 'policy.maxLengthHint' })}
            errorMessage={problems.maxLength}
            onChange={(maxLength) => update({ maxLength })}
          />
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>{intl.formatMessage({ id: 'policy.characterTypes' })}</legend>
        <Checkbox
          name="requireUppercase"
          label={intl.formatMessage({ id: 'policy.requireUppercase' })}
          isSelected={value.requireUppercase}
          onChange={(requireUppercase) => update({ requireUppercase })}
        />
        <Checkbox
          name="requireLowercase"
          label={intl.formatMessage({ id: 'policy.requireLowercase' })}
          isSelected={value.requireLowercase}
          onChange={(requireLowercase) => update({ requireLowercase })}
        />
        <Checkbox
          name="requireDigit"
          label={intl.formatMessage({ id: 'policy.requireDigit' })}
          isSelected={value.requireDigit}
          onChange={(requireDigit) => update({ requireDigit })}
        />
        <Checkbox
          name="requireSpecial"
          label={intl.formatMessage({ id: 'policy.requireSpecial' })}
          isSelected={value.requireSpecial}
          onChange={(requireSpecial) => update({ requireSpecial })}
        />
      </fieldset>

      <fieldset className="fieldset">
        <legend>{intl.formatMessage({ id: 'policy.reuseAndExpiry' })}</legend>
        <div className="field-row">
          <NumberField
            label={intl.formatMessage({ id: 'policy.historyCount' })}
            unit="passwords"
            name="historyCount"
            value={value.historyCount}
            minValue={ranges.historyCount.min}
            maxValue={ranges.historyCount.max}
            description={intl.formatMessage({ id: 'policy.historyCountHint' })}
            errorMessage={problems.historyCount}
            onChange={(historyCount) => update({ historyCount })}
          />
          <NumberField
            label={intl.formatMessage({ id: 'policy.historyDays' })}
            unit="days"
            name="historyDays"
            value={value.historyDays}
            minValue={ranges.historyDays.min}
            maxValue={ranges.historyDays.max}
            description={intl.formatMessage({ id: 'policy.historyDaysHint' })}
            errorMessage={problems.historyDays}
            onChange={(historyDays) => update({ historyDays })}
          />
          <NumberField
            label={intl.formatMessage({ id: 'policy.expiryDays' })}
            unit="days"
            name="expiryDays"
            value={value.expiryDays}
            minValue={ranges.expiryDays.min}
            maxValue={ranges.expiryDays.max}
            description={intl.formatMessage({ id: 'policy.expiryDaysHint' })}
            errorMessage={problems.expiryDays}
            onChange={(expiryDays) => update({ expiryDays })}
          />
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>{intl.formatMessage({ id: 'policy.otherChecks' })}</legend>
        <Checkbox
          name="disallowPersonalInfo"
          label={intl.formatMessage({ id: 'policy.disallowPersonalInfo' })}
          isSelected={value.disallowPersonalInfo}
          onChange={(disallowPersonalInfo) => update({ disallowPersonalInfo })}
        />
        <Checkbox
          name="blocklist"
          label={intl.formatMessage({ id: 'policy.blocklist' })}
          description={intl.formatMessage({ id: 'policy.blocklistHint' })}
          isSelected={value.blocklist}
          onChange={(blocklist) => update({ blocklist })}
        />
      </fieldset>
    </div>
  );
}
