import { useState } from 'react';
import { Dialog, Form, Heading } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { Button } from './button.tsx';
import { DismissableModal } from './dismissable-modal.tsx';
import { AlertRegion } from './message.tsx';
import { TextField } from './text-field.tsx';
import type { Command } from './use-command.ts';
import { formatWords, type Words } from './words.ts';

/**
 * A dialog asking for one name (a create or rename flow): the heading, the name field (filled with the
 * current name), Save and Cancel. Save runs `command` with the trimmed name; its failure shows above the
 * form, and the command's own success handler closes the dialog.
 */
export function NameDialog({
  isOpen,
  onClose,
  heading,
  label,
  fieldName,
  initialName,
  maxLength,
  command,
}: {
  isOpen: boolean;
  onClose: () => void;
  heading: Words;
  label: Words;
  /** The input's `name`, which the journeys find it by. */
  fieldName: string;
  initialName: string;
  maxLength: number;
  command: Command<string>;
}) {
  return (
    <DismissableModal
      isOpen={isOpen}
      onClose={() => {
        command.reset();
        onClose();
      }}
    >
      {isOpen && <NameForm heading={heading} label={label} fieldName={fieldName} initialName={initialName} maxLength={maxLength} command={command} />}
    </DismissableModal>
  );
}

function NameForm({ heading, label, fieldName, initialName, maxLength, command }: { heading: Words; label: Words; fieldName: string; initialName: string; maxLength: number; command: Command<string> }) {
  const intl = useIntl();
  const [name, setName] = useState(initialName);
  return (
    <Dialog className="dialog">
      <Heading slot="title" className="dialog-title">
        {formatWords(intl, heading)}
      </Heading>
      <AlertRegion message={command.problem === null ? null : { tone: 'error', title: command.problem }} />
      <Form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim() !== '') command.run(name.trim());
        }}
      >
        <TextField label={formatWords(intl, label)} name={fieldName} value={name} onChange={setName} maxLength={maxLength} isRequired autoFocus />
        <div className="form-actions">
          <Button type="submit" variant="primary">
            {intl.formatMessage({ id: 'app.save' })}
          </Button>
          <Button slot="close">{intl.formatMessage({ id: 'app.cancel' })}</Button>
        </div>
      </Form>
    </Dialog>
  );
}
