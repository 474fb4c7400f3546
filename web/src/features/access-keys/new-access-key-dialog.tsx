import type { CreatedAccessKey } from '@lanyard/contracts/api';
import { useState } from 'react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { CopyIcon } from '../../ui/icons.tsx';
import { Message } from '../../ui/message.tsx';
import { showToast } from '../../ui/toasts.tsx';

async function copy(value: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(value);
    showToast({ tone: 'success', text: `${what} copied.` });
  } catch {
    showToast({ tone: 'error', text: `${what} could not be copied. Select it and copy it yourself.` });
  }
}

/**
 * The new key, shown once (seeds 000 and 001): the Access Key ID with a copy icon, "(SHOW SECRET KEY)"
 * revealing the Secret Access Key with a Copy button, and "Done", after which the secret is gone for good.
 * Only Done closes it, so the secret is not lost by a stray Escape or click outside.
 */
export function NewAccessKeyDialog({ created, onDone }: { created: CreatedAccessKey | null; onDone: () => void }) {
  const [secretShown, setSecretShown] = useState(false);

  function done() {
    setSecretShown(false);
    onDone();
  }

  return (
    <ModalOverlay className="modal-overlay" isOpen={created !== null} isDismissable={false} isKeyboardDismissDisabled>
      <Modal className="modal">
        <Dialog className="dialog" aria-labelledby="new-key-heading">
          {created !== null && (
            <>
              <Heading slot="title" id="new-key-heading" level={2}>
                Access key created
              </Heading>
              <dl className="pairs key-pairs">
                <div>
                  <dt>Access Key ID</dt>
                  <dd>
                    <span className="value-with-action">
                      <code className="identifier" data-field="access-key-id">
                        {created.accessKeyId}
                      </code>
                      <Button className="icon-button" aria-label="Copy Access Key ID" onPress={() => void copy(created.accessKeyId, 'Access Key ID')}>
                        <CopyIcon />
                      </Button>
                    </span>
                  </dd>
                </div>
                <div>
                  <dt>Secret Access Key</dt>
                  <dd>
                    {secretShown ? (
                      <span className="value-with-action">
                        <code className="identifier secret" data-field="secret-access-key">
                          {created.accessKeySecret}
                        </code>
                        <Button className="button button-small" onPress={() => void copy(created.accessKeySecret, 'Secret Access Key')}>
                          Copy
                        </Button>
                      </span>
                    ) : (
                      <Button className="link-button" onPress={() => setSecretShown(true)}>
                        (SHOW SECRET KEY)
                      </Button>
                    )}
                  </dd>
                </div>
              </dl>
              <Message tone="info" title="You can't see the Secret Access Key again after you close this window.">
                <p>
                  Copy both parts of the key and save them somewhere safe. Treat the Secret Access Key like a password and do not share it. If
                  you lose it, add a new access key.
                </p>
              </Message>
              <div className="form-actions">
                <Button className="button button-primary" onPress={done}>
                  Done
                </Button>
              </div>
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
