import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Dialog, Form, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { AlertRegion } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';

/**
 * Asks for the current password before a change to how the person signs in (turning MFA off, new recovery
 * codes). The problem, if any, is shown in the dialog and the password field is emptied for another try.
 */
export function PasswordDialog({
  isOpen,
  heading,
  children,
  confirmLabel,
  danger = false,
  isPending,
  problem,
  onCancel,
  onConfirm,
}: {
  isOpen: boolean;
  heading: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  isPending: boolean;
  problem: string | null;
  onCancel: () => void;
  onConfirm: (currentPassword: string) => void;
}) {
  const intl = useIntl();
  const headingId = useId();
  const [password, setPassword] = useState('');

  function close() {
    setPassword('');
    onCancel();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (isPending || password === '') return;
    onConfirm(password);
    setPassword('');
  }

  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} isDismissable onOpenChange={(open) => !open && close()}>
      <Modal className="modal">
        <Dialog className="dialog" aria-labelledby={headingId}>
          <Heading slot="title" id={headingId} level={2} className="dialog-title">
            {heading}
          </Heading>
          {children}
          <Form className="form" onSubmit={submit}>
            <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
            <TextField
              label={intl.formatMessage({ id: 'mfa.currentPassword' })}
              name="currentPassword"
              type="password"
              autoComplete="current-password"
              isRequired
              autoFocus
              value={password}
              onChange={setPassword}
            />
            <div className="form-actions">
              <Button type="submit" variant={danger ? 'danger' : 'primary'}>
                {confirmLabel}
              </Button>
              <Button onPress={close}>
                {intl.formatMessage({ id: 'app.cancel' })}
              </Button>
              {isPending && <span className="muted">{intl.formatMessage({ id: 'app.working' })}</span>}
            </div>
          </Form>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
