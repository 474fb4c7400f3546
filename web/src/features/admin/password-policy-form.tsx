import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { useState } from 'react';
import { Checkbox } from '../../ui/checkbox.tsx';
import { NumberField } from '../../ui/number-field.tsx';
import { SelectField } from '../../ui/select-field.tsx';

export interface PolicyPreset {
  id: string;
  name: string;
  policy: PasswordPolicy;
}

/** What is wrong with a policy before it is sent, or null (the server answers 422 PASSWORD_POLICY_INVALID too). */
export function policyProblem(policy: PasswordPolicy): string | null {
  if (policy.minLength > policy.maxLength) return 'The maximum length must be at least the minimum length.';
  return null;
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
  if (policy.historyCount > 0) parts.push(`last ${policy.historyCount} not reused`);
  if (policy.historyDays > 0) parts.push(`not reused within ${policy.historyDays} days`);
  parts.push(policy.expiryDays > 0 ? `expires after ${policy.expiryDays} days` : 'never expires');
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
  const problem = policyProblem(value);

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
            unit="characters"
            name="minLength"
            value={value.minLength}
            minValue={1}
            maxValue={256}
            onChange={(minLength) => update({ minLength })}
          />
          <NumberField
            label="Maximum length"
            unit="characters"
            name="maxLength"
            value={value.maxLength}
            minValue={8}
            maxValue={1024}
            description="Longer passwords are refused, never cut short."
            errorMessage={problem ?? undefined}
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
            unit="passwords"
            name="historyCount"
            value={value.historyCount}
            minValue={0}
            maxValue={24}
            description="0 to 24; 0 turns this rule off."
            onChange={(historyCount) => update({ historyCount })}
          />
          <NumberField
            label="Not reused within"
            unit="days"
            name="historyDays"
            value={value.historyDays}
            minValue={0}
            maxValue={3650}
            description="0 to 3650; 0 turns this rule off."
            onChange={(historyDays) => update({ historyDays })}
          />
          <NumberField
            label="Expires after"
            unit="days"
            name="expiryDays"
            value={value.expiryDays}
            minValue={0}
            maxValue={3650}
            description="0 to 3650; 0 means passwords never expire."
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
