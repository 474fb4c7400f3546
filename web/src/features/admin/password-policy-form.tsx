import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { useId, useState } from 'react';
import { Button } from 'react-aria-components';
import { Checkbox } from '../../ui/checkbox.tsx';
import { NumberField, withUnit, type Unit } from '../../ui/number-field.tsx';
import { SelectField } from '../../ui/select-field.tsx';

export interface PolicyPreset {
  id: string;
  name: string;
  policy: PasswordPolicy;
}

/** Every string this form shows about its values, in one place. */
const messages = {
  outOfRange: (min: number, max: number) => `Enter a whole number from ${min} to ${max}.`,
  maxBelowMin: 'The maximum length must be at least the minimum length.',
  saveHint: 'Save becomes available when every value is valid.',
};

const units = {
  characters: { one: 'character', other: 'characters' },
  passwords: { one: 'password', other: 'passwords' },
  days: { one: 'day', other: 'days' },
} satisfies Record<string, Unit>;

type NumberRule = 'minLength' | 'maxLength' | 'historyCount' | 'historyDays' | 'expiryDays';

/** The range of each number, as the server's schema has it (contracts/src/password-policy.ts). */
const ranges: Record<NumberRule, { min: number; max: number }> = {
  minLength: { min: 1, max: 256 },
  maxLength: { min: 8, max: 1024 },
  historyCount: { min: 0, max: 24 },
  historyDays: { min: 0, max: 3650 },
  expiryDays: { min: 0, max: 3650 },
};

export type PolicyProblems = Partial<Record<NumberRule, string>>;

/**
 * What is wrong with each number of a policy before it is sent: empty, not whole, out of range, or a
 * maximum below the minimum (the server answers 400 VALIDATION_FAILED / 422 PASSWORD_POLICY_INVALID too).
 */
export function policyProblems(policy: PasswordPolicy): PolicyProblems {
  const problems: PolicyProblems = {};
  for (const [field, range] of Object.entries(ranges) as [NumberRule, { min: number; max: number }][]) {
    const value = policy[field];
    if (!Number.isInteger(value) || value < range.min || value > range.max) problems[field] = messages.outOfRange(range.min, range.max);
  }
  if (problems.minLength === undefined && problems.maxLength === undefined && policy.minLength > policy.maxLength) {
    problems.maxLength = messages.maxBelowMin;
  }
  return problems;
}

/** Whether the policy may be sent. */
export function isPolicyValid(policy: PasswordPolicy): boolean {
  return Object.keys(policyProblems(policy)).length === 0;
}

/** Save, disabled while a value is wrong, with the reason linked to it. */
export function PolicySaveButton({ policy, isPending }: { policy: PasswordPolicy; isPending: boolean }) {
  const hintId = useId();
  const valid = isPolicyValid(policy);
  return (
    <>
      <Button
        type="submit"
        className="button button-primary"
        isDisabled={!valid || isPending}
        {...(valid ? {} : { 'aria-describedby': hintId })}
      >
        Save
      </Button>
      {!valid && (
        <p className="field-description" id={hintId}>
          {messages.saveHint}
        </p>
      )}
    </>
  );
}

/** "At least 12 characters; uppercase, lowercase and number; …": one line for a table. */
export function summarisePolicy(policy: PasswordPolicy): string {
  const parts = [`${policy.minLength}–${policy.maxLength} characters`];
  const kinds = [
    policy.requireUppercase && 'uppercase',
    policy.requireLowercase && 'lowercase',
    policy.requireDigit && 'number',
    policy.requireSpecial && 'special character',
  ].filter((kind): kind is string => typeof kind === 'string');
  parts.push(kinds.length === 0 ? 'no character-type rules' : `needs ${kinds.join(', ')}`);
  if (policy.historyCount > 0) parts.push(policy.historyCount === 1 ? 'last password not reused' : `last ${policy.historyCount} not reused`);
  if (policy.historyDays > 0) parts.push(`not reused within ${withUnit(policy.historyDays, units.days)}`);
  parts.push(policy.expiryDays > 0 ? `expires after ${withUnit(policy.expiryDays, units.days)}` : 'never expires');
  return parts.join('; ');
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
  const [preset, setPreset] = useState<string | null>(null);
  const problems = policyProblems(value);

  function update(patch: Partial<PasswordPolicy>) {
    setPreset(null);
    onChange({ ...value, ...patch });
  }

  return (
    <div className="policy-fields">
      <SelectField
        label="Start from a preset"
        description="Fills in every rule below. Nothing is saved until you press Save."
        placeholder="Choose a preset"
        options={presets}
        value={preset}
        onChange={(id) => {
          const chosen = presets.find((entry) => entry.id === id);
          setPreset(id);
          if (chosen !== undefined) onChange({ ...chosen.policy });
        }}
      />

      <fieldset className="fieldset">
        <legend>Length</legend>
        <div className="field-row">
          <NumberField
            label="Minimum length"
            unit={units.characters}
            name="minLength"
            value={value.minLength}
            minValue={ranges.minLength.min}
            maxValue={ranges.minLength.max}
            errorMessage={problems.minLength}
            onChange={(minLength) => update({ minLength })}
          />
          <NumberField
            label="Maximum length"
            unit={units.characters}
            name="maxLength"
            value={value.maxLength}
            minValue={ranges.maxLength.min}
            maxValue={ranges.maxLength.max}
            description="Longer passwords are refused, never cut short."
            errorMessage={problems.maxLength}
            onChange={(maxLength) => update({ maxLength })}
          />
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Character types</legend>
        <Checkbox
          name="requireUppercase"
          label="At least one uppercase letter (A, B, C)"
          isSelected={value.requireUppercase}
          onChange={(requireUppercase) => update({ requireUppercase })}
        />
        <Checkbox
          name="requireLowercase"
          label="At least one lowercase letter (a, b, c)"
          isSelected={value.requireLowercase}
          onChange={(requireLowercase) => update({ requireLowercase })}
        />
        <Checkbox
          name="requireDigit"
          label="At least one number (1, 2, 3)"
          isSelected={value.requireDigit}
          onChange={(requireDigit) => update({ requireDigit })}
        />
        <Checkbox
          name="requireSpecial"
          label="At least one special character (!, #, @)"
          isSelected={value.requireSpecial}
          onChange={(requireSpecial) => update({ requireSpecial })}
        />
      </fieldset>

      <fieldset className="fieldset">
        <legend>Reuse and expiry</legend>
        <div className="field-row">
          <NumberField
            label="Not reused among the last"
            unit={units.passwords}
            name="historyCount"
            value={value.historyCount}
            minValue={ranges.historyCount.min}
            maxValue={ranges.historyCount.max}
            description="0 to 24; 0 turns this rule off."
            errorMessage={problems.historyCount}
            onChange={(historyCount) => update({ historyCount })}
          />
          <NumberField
            label="Not reused within"
            unit={units.days}
            name="historyDays"
            value={value.historyDays}
            minValue={ranges.historyDays.min}
            maxValue={ranges.historyDays.max}
            description="0 to 3650; 0 turns this rule off."
            errorMessage={problems.historyDays}
            onChange={(historyDays) => update({ historyDays })}
          />
          <NumberField
            label="Expires after"
            unit={units.days}
            name="expiryDays"
            value={value.expiryDays}
            minValue={ranges.expiryDays.min}
            maxValue={ranges.expiryDays.max}
            description="0 to 3650; 0 means passwords never expire."
            errorMessage={problems.expiryDays}
            onChange={(expiryDays) => update({ expiryDays })}
          />
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Other checks</legend>
        <Checkbox
          name="disallowPersonalInfo"
          label="Must not contain the username or email address"
          isSelected={value.disallowPersonalInfo}
          onChange={(disallowPersonalInfo) => update({ disallowPersonalInfo })}
        />
        <Checkbox
          name="blocklist"
          label="Must not be a commonly used or breached password"
          description="Checked against the list shipped with Lanyard, without any network call."
          isSelected={value.blocklist}
          onChange={(blocklist) => update({ blocklist })}
        />
      </fieldset>
    </div>
  );
}
