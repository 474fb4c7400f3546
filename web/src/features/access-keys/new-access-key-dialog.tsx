import type { CreatedAccessKey } from '@lanyard/contracts/api';
import { useState } from 'react';
import { Dialog, Heading, Modal, ModalOverlay, Button as AriaButton } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { CopyIcon } from '../../ui/icons.tsx';
import { Message } from '../../ui/message.tsx';
import { copyWithToast as copy } from '../../ui/copy.ts';
import { useIntl } from 'react-intl';

/**
 * A new key's Secret Access Key: a "(SHOW SECRET KEY)" button until pressed, then the secret with a Copy
 * button. The new-key dialog and Admin › My Account › Access Keys (seed 001, in the table) both use it.
 */
export function SecretAccessKeyValue({ secret, shown, onShow, showLabel }: { secret: string; shown: boolean; onShow: () => void; showLabel: string }) {
  const intl = useIntl();
  return shown ? (
    <span className="value-with-action">
      <code className="identifier secret" data-field="secret-access-key">
        {secret}
      </code>
      <Button size="small" onPress={() => void copy(intl, secret, intl.formatMessage({ id: 'keys.newDialog.secret' }))}>
        {intl.formatMessage({ id: 'keys.newDialog.copy' })}
      </Button>
    </span>
  ) : (
    <AriaButton className="link-button" onPress={onShow}>
      {showLabel}
    </AriaButton>
  );
}

/**
 * The new key, shown once (seeds 000 and 001): the Access Key ID with a copy icon, "(SHOW SECRET KEY)"
 * revealing the Secret Access Key with a Copy button, and "Done", after which the secret is gone for good.
 * Only Done closes it, so the secret is not lost by a stray Escape or click outside.
 */
export function NewAccessKeyDialog({ created, onDone }: { created: CreatedAccessKey | null; onDone: () => void }) {
  const intl = useIntl();
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
                {intl.formatMessage({ id: 'keys.newDialog.heading' })}
              </Heading>
              <dl className="pairs key-pairs">
                <div>
                  <dt>{intl.formatMessage({ id: 'keys.newDialog.id' })}</dt>
                  <dd>
                    <span className="value-with-action">
                      <code className="identifier" data-field="access-key-id">
                        {created.accessKeyId}
                      </code>
                      <AriaButton className="icon-button" 
                        aria-label={intl.formatMessage({ id: 'keys.newDialog.copyId' })}
                        onPress={() => void copy(intl, created.accessKeyId, intl.formatMessage({ id: 'keys.newDialog.id' }))}
                      >
                        <CopyIcon />
                      </AriaButton>
                    </span>
                  </dd>
                </div>
                <div>
                  <dt>{intl.formatMessage({ id: 'keys.newDialog.secret' })}</dt>
                  <dd>
                    <SecretAccessKeyValue
                      secret={created.accessKeySecret}
                      shown={secretShown}
                      onShow={() => setSecretShown(true)}
                      showLabel={intl.formatMessage({ id: 'keys.newDialog.showSecret' })}
                    />
                  </dd>
                </div>
              </dl>
              <Message tone="info" title={intl.formatMessage({ id: 'keys.newDialog.onceTitle' })}>
                <p>{intl.formatMessage({ id: 'keys.newDialog.onceBody' })}</p>
              </Message>
              <div className="form-actions">
                <Button variant="primary" onPress={done}>
                  {intl.formatMessage({ id: 'keys.newDialog.done' })}
                </Button>
              </div>
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
