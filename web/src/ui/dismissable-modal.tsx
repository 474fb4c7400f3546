import type { ReactNode } from 'react';
import { Modal, ModalOverlay } from 'react-aria-components';

/** A modal that Escape or a click outside closes (the edit and details dialogs of the administration pages). */
export function DismissableModal({ isOpen, onClose, wide = false, children }: { isOpen: boolean; onClose: () => void; wide?: boolean; children: ReactNode }) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isDismissable
      isOpen={isOpen}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <Modal className={wide ? 'modal modal-wide' : 'modal'}>{children}</Modal>
    </ModalOverlay>
  );
}
