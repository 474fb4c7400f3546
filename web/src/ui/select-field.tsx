import type { Key } from 'react-aria-components';
import { Button, FieldError, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, Text } from 'react-aria-components';
import { ChevronDownIcon } from './icons.tsx';

interface SelectFieldProps {
  label: string;
  description?: string | undefined;
  placeholder: string;
  options: readonly { id: string; name: string }[];
  value: string | null;
  onChange: (id: string | null) => void;
  /** Shown under the field, which is then marked invalid (e.g. a coded refusal of the server about this choice). */
  errorMessage?: string | undefined;
}

/** A labelled single-choice list (a button that opens a list box). */
export function SelectField({ label, description, placeholder, options, value, onChange, errorMessage }: SelectFieldProps) {
  return (
    <Select
      className="field select-field"
      placeholder={placeholder}
      value={value}
      onChange={(key: Key | null) => onChange(key === null ? null : String(key))}
      isInvalid={errorMessage !== undefined}
    >
      <Label className="field-label">{label}</Label>
      <Button className="select-button">
        <SelectValue className="select-value" />
        <ChevronDownIcon />
      </Button>
      {description !== undefined && (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      )}
      <FieldError className="field-error">{errorMessage}</FieldError>
      <Popover className="menu-popover select-popover" offset={4}>
        <ListBox className="menu" items={options}>
          {(option) => (
            <ListBoxItem id={option.id} className="menu-item" textValue={option.name}>
              {option.name}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}
