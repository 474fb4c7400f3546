import { Button, Text, UNSTABLE_Toast as Toast, UNSTABLE_ToastContent as ToastContent, UNSTABLE_ToastQueue as ToastQueue, UNSTABLE_ToastRegion as ToastRegion } from 'react-aria-components';
import { flushSync } from 'react-dom';
import { CheckCircleIcon, WarningIcon } from './icons.tsx';
import { useIntl } from 'react-intl';

export interface ToastMessage {
  tone: 'success' | 'error';
  text: string;
}

/** How long a toast stays (SPEC §3.7: 3 s by default); hovering or focusing it pauses it, up to 30 s in all. */
export const defaultToastMilliseconds = 3000;
const longestToastMilliseconds = 30_000;

/** One queue for the whole console, so a toast survives the component that raised it. */
export const toastQueue = new ToastQueue<ToastMessage>({
  maxVisibleToasts: 3,
  wrapUpdate: (update) => {
    flushSync(update);
  },
});

/** The person's toast message duration (My Profile › Accessibility), applied to every toast from now on. */
let toastMilliseconds = defaultToastMilliseconds;
export function setToastDuration(milliseconds: number): void {
  toastMilliseconds = milliseconds;
}

export function showToast(message: ToastMessage, timeout = toastMilliseconds): void {
  const key = toastQueue.add(message, { timeout });
  // React Aria pauses the timer while the region is hovered or focused; never keep a toast beyond 30 s.
  window.setTimeout(() => toastQueue.close(key), longestToastMilliseconds);
}

/**
 * The live region where toasts appear, at the bottom of the screen (seed 000). Each toast is a non-modal
 * `alertdialog` named by its text (aria-labelledby to its title), so it is announced and found by name.
 */
export function Toasts() {
  const intl = useIntl();
  return (
    <ToastRegion queue={toastQueue} className="toast-region" aria-label={intl.formatMessage({ id: 'toasts.region' })}>
      {({ toast }) => (
        <Toast toast={toast} className={`toast toast-${toast.content.tone}`}>
          {toast.content.tone === 'success' ? <CheckCircleIcon className="icon toast-icon" /> : <WarningIcon className="icon toast-icon" />}
          <ToastContent className="toast-content">
            <Text slot="title" className="toast-title">
              {toast.content.text}
            </Text>
          </ToastContent>
          <Button slot="close" className="toast-close" aria-label={intl.formatMessage({ id: 'toasts.dismiss' })}>
            {intl.formatMessage({ id: 'toasts.dismissSymbol' })}
          </Button>
        </Toast>
      )}
    </ToastRegion>
  );
}
