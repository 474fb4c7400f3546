import { FieldError, Group, Input, Label, NumberField as AriaNumberField, Text } from 'react-aria-components';

/** A unit in the singular and the plural: `{ one: 'day', other: 'days' }`. */
export interface Unit {
  one: string;
  other: string;
}

export function withUnit(count: number, unit: Unit): string {
  return `${count} ${count === 1 ? unit.one : unit.other}`;
}

interface NumberFieldProps {
  label: string;
  /** The unit, shown after the input and read with it ("characters", "days"). */
  unit: Unit;
  description?: string | undefined;
  /** NaN while the field is empty. */
  value: number;
  onChange: (value: number) => void;
  minValue: number;
  maxValue: number;
  name: string;
  /** Shown under the field and linked to it (aria-describedby); the field is then marked invalid. */
  errorMessage?: string | undefined;
}

/**
 * A number input with its label, unit and range. What the person types is kept as typed, never clamped
 * or rounded: a value outside the range, or not a whole number, is the caller's to refuse with
 * `errorMessage` (the arrow keys stay within the range).
 */
export function NumberField({ label, unit, description, value, onChange, minValue, maxValue, name, errorMessage }: NumberFieldProps) {
  const unitText = Number.isFinite(value) && value === 1 ? unit.one : unit.other;
  return (
    <AriaNumberField
      className="field number-field"
      name={name}
      value={value}
      onChange={onChange}
      minValue={minValue}
      maxValue={maxValue}
      step={1}
      commitBehavior="validate"
      formatOptions={{ maximumFractionDigits: 3, useGrouping: false }}
      isInvalid={errorMessage !== undefined}
      validationBehavior="aria"
    >
      <Label className="field-label">{label}</Label>
      <Group className="number-field-group">
        <Input className="field-input number-field-input" />
        <span className="number-field-unit" aria-hidden="true">
          {unitText}
        </span>
      </Group>
      <Text slot="description" className="field-description">
        <span className="visually-hidden">{`In ${unit.other}. `}</span>
        {description ?? `From ${minValue} to ${maxValue}.`}
      </Text>
      <FieldError className="field-error">{errorMessage}</FieldError>
    </AriaNumberField>
  );
}
