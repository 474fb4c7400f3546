import { FieldError, Group, Input, Label, NumberField as AriaNumberField, Text } from 'react-aria-components';
import { useIntl } from 'react-intl';

/** A unit: the word after a count (`unit.days`, a plural message) and the unit's name (`unit.days.name`). */
export type Unit = 'characters' | 'passwords' | 'days' | 'minutes' | 'hours' | 'keys' | 'attempts';

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
  const intl = useIntl();
  // An empty field (NaN) reads like "0 characters".
  const unitText = intl.formatMessage({ id: `unit.${unit}` }, { count: Number.isFinite(value) ? value : 0 });
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
        <span className="visually-hidden">{intl.formatMessage({ id: 'numberField.inUnit' }, { unit: intl.formatMessage({ id: `unit.${unit}.name` }) })}</span>
        {description ?? intl.formatMessage({ id: 'numberField.range' }, { min: minValue, max: maxValue })}
      </Text>
      <FieldError className="field-error">{errorMessage}</FieldError>
    </AriaNumberField>
  );
}
