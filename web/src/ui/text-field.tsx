import type { ReactNode, Ref } from 'react';
import { FieldError, Input, Label, Text, TextField as AriaTextField, type TextFieldProps as AriaTextFieldProps } from 'react-aria-components';

interface TextFieldProps extends Omit<AriaTextFieldProps, 'children' | 'className'> {
  label: string;
  description?: ReactNode;
  /** For identifiers such as usernames: no spell checking, no automatic capitals. */
  isIdentifier?: boolean;
  /** The `<input>` itself, e.g. to move focus back to it after an error. */
  inputRef?: Ref<HTMLInputElement>;
  /** Shown under the field when it is invalid (with `isInvalid`). */
  errorMessage?: string | undefined;
}

/**
 * A labelled text input with an optional description and the field's validation error. Pass
 * `aria-describedby` to link further descriptions (e.g. a rule checklist); React Aria merges the ids.
 */
export function TextField({ label, description, isIdentifier = false, inputRef, errorMessage, ...props }: TextFieldProps) {
  return (
    <AriaTextField {...props} className="field">
      <Label className="field-label">{label}</Label>
      <Input ref={inputRef} className="field-input" {...(isIdentifier ? { spellCheck: false, autoCapitalize: 'none', autoCorrect: 'off' } : {})} />
      {description !== undefined && (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      )}
      <FieldError className="field-error">{errorMessage}</FieldError>
    </AriaTextField>
  );
}
