import type { ReactNode } from 'react';
import { useId } from 'react';
import { Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { Button } from './button.tsx';
import { formatWords, type Words } from './words.ts';

/**
 * Asks before something that cannot be undone or that affects someone else. Cancel (or Escape) keeps
 * things as they are and has the focus first; the confirming button says what it does. The heading and the
 * button are catalogue words; `null` only while nothing is being confirmed (the dialog is closed).
 */
export function ConfirmDialog({
  isOpen,
  heading,
  children,
  confirmLabel,
  danger = false,
  isPending,
  onCancel,
  onConfirm,
}: {
  isOpen: boolean;
  heading: Words | null;
  children: ReactNode;
  confirmLabel: Words | null;
  danger?: boolean;
  isPending: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const intl = useIntl();
  const headingId = useId();
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      isDismissable
      onOpenChange={(open) => {
        if (!open) onCancel();
      }}
    >
      <Modal className="modal">
        <Dialog className="dialog" role="alertdialog" aria-labelledby={headingId}>
          <Heading slot="title" id={headingId} level={2} className="dialog-title">
            {heading === null ? null : formatWords(intl, heading)}
          </Heading>
          {children}
          <div className="form-actions">
            <Button
              variant={danger ? 'danger' : 'primary'}
              onPress={() => {
                if (!isPending) onConfirm();
              }}
            >
              {confirmLabel === null ? null : formatWords(intl, confirmLabel)}
            </Button>
            <Button onPress={onCancel} autoFocus>
              {intl.formatMessage({ id: 'app.cancel' })}
            </Button>
            {isPending && <span className="muted">{intl.formatMessage({ id: 'app.working' })}</span>}
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
