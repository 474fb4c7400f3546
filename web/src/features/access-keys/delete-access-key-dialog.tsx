import type { AccessKey } from '@lanyard/contracts/api';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { FormattedMessage, useIntl } from 'react-intl';

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
  const intl = useIntl();
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
                {intl.formatMessage({ id: 'keys.deleteDialog.heading' })}
              </Heading>
              <p>
                <FormattedMessage
                  id="keys.deleteDialog.body"
                  values={{ accessKeyId: accessKey.accessKeyId, code: (chunks) => <code className="identifier">{chunks}</code> }}
                />
              </p>
              <div className="form-actions">
                <Button className="button button-danger" onPress={() => {
                  if (!isPending) onConfirm(accessKey);
                }}>
                  {intl.formatMessage({ id: 'app.delete' })}
                </Button>
                <Button className="button" onPress={onCancel} autoFocus>
                  {intl.formatMessage({ id: 'app.cancel' })}
                </Button>
              </div>
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
