import { FieldError, Group, Input, Label, NumberField as AriaNumberField, Text } from 'react-aria-components';

interface NumberFieldProps {
  label: string;
  /** The unit, shown after the input and read with it ("characters", "days"). */
  unit: string;
  description?: string | undefined;
  value: number;
  onChange: (value: number) => void;
  minValue: number;
  maxValue: number;
  name: string;
  errorMessage?: string | undefined;
}

/** A whole-number input with its label, unit and range; out-of-range entries snap back when the field is left. */
export function NumberField({ label, unit, description, value, onChange, minValue, maxValue, name, errorMessage }: NumberFieldProps) {
  return (
    <AriaNumberField
      className="field number-field"
      name={name}
      value={value}
      onChange={(next) => onChange(Number.isNaN(next) ? minValue : next)}
      minValue={minValue}
      maxValue={maxValue}
      step={1}
      formatOptions={{ maximumFractionDigits: 0, useGrouping: false }}
      isInvalid={errorMessage !== undefined}
      validationBehavior="aria"
    >
      <Label className="field-label">{label}</Label>
      <Group className="number-field-group">
        <Input className="field-input number-field-input" />
        <span className="number-field-unit" aria-hidden="true">
          {unit}
        </span>
      </Group>
      <Text slot="description" className="field-description">
        <span className="visually-hidden">{`In ${unit}. `}</span>
        {description ?? `From ${minValue} to ${maxValue}.`}
      </Text>
      <FieldError className="field-error">{errorMessage}</FieldError>
    </AriaNumberField>
  );
}
