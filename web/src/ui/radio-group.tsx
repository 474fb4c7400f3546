import { Label, Radio, RadioGroup as AriaRadioGroup, Text } from 'react-aria-components';

interface RadioGroupProps<T extends string> {
  label: string;
  description?: string | undefined;
  options: readonly { value: T; label: string; description?: string | undefined }[];
  value: T;
  onChange: (value: T) => void;
  name: string;
}

/** One choice among a few, all visible (arrow keys move between them, as for native radio buttons). */
export function RadioGroup<T extends string>({ label, description, options, value, onChange, name }: RadioGroupProps<T>) {
  return (
    <AriaRadioGroup className="field radio-group" name={name} value={value} onChange={(next) => onChange(next as T)}>
      <Label className="field-label">{label}</Label>
      {description !== undefined && (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      )}
      <div className="radio-options">
        {options.map((option) => (
          <Radio key={option.value} value={option.value} className="radio">
            <span className="radio-circle" aria-hidden="true" />
            <span className="radio-text">
              <span className="radio-label">{option.label}</span>
              {option.description !== undefined && <span className="radio-description">{option.description}</span>}
            </span>
          </Radio>
        ))}
      </div>
    </AriaRadioGroup>
  );
}
