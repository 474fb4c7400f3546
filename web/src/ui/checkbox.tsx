import { useId } from 'react';
import { Checkbox as AriaCheckbox } from 'react-aria-components';

interface CheckboxProps {
  label: string;
  description?: string | undefined;
  isSelected: boolean;
  onChange: (isSelected: boolean) => void;
  name: string;
}

/** A labelled checkbox with an optional description linked to it. */
export function Checkbox({ label, description, isSelected, onChange, name }: CheckboxProps) {
  const descriptionId = useId();
  return (
    <div className="checkbox-field">
      <AriaCheckbox
        className="checkbox"
        name={name}
        isSelected={isSelected}
        onChange={onChange}
        {...(description === undefined ? {} : { 'aria-describedby': descriptionId })}
      >
        <span className="checkbox-box" aria-hidden="true">
          <svg viewBox="0 0 18 18" width="14" height="14" focusable="false">
            <path d="M3.5 9.5l3.5 3.5 7.5-8" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </span>
        <span className="checkbox-label">{label}</span>
      </AriaCheckbox>
      {description !== undefined && (
        <p className="field-description checkbox-description" id={descriptionId}>
          {description}
        </p>
      )}
    </div>
  );
}
