import type { AccessKey } from '@lanyard/contracts/api';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';

/** Deleting is final, so it is confirmed first; Cancel (or Escape) keeps the key. */
export function DeleteAccessKeyDialog({
  accessKey,
  isPending,
  onCancel,
  onConfirm,
}: {
  accessKey: AccessKey | null;
  isPending: boolean;
  onCancel: () => void;
  onConfirm: (key: AccessKey) => void;
}) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={accessKey !== null}
      isDismissable
      onOpenChange={(open) => {
        if (!open) onCancel();
      }}
    >
      <Modal className="modal">
        <Dialog className="dialog" role="alertdialog" aria-labelledby="delete-key-heading">
          {accessKey !== null && (
            <>
              <Heading slot="title" id="delete-key-heading" level={2}>
                Delete access key?
              </Heading>
              <p>
                <code className="identifier">{accessKey.accessKeyId}</code> will stop working at once, and so will every token issued for it. This
                can't be undone.
              </p>
              <div className="form-actions">
                <Button className="button button-danger" onPress={() => {
                  if (!isPending) onConfirm(accessKey);
                }}>
                  Delete
                </Button>
                <Button className="button" onPress={onCancel} autoFocus>
                  Cancel
                </Button>
              </div>
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
