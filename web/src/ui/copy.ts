import type { IntlShape } from 'react-intl';
import { showToast } from './toasts.tsx';

/** Copies a value to the clipboard and says so in a toast ("Secret copied."), or says it could not. */
export async function copyWithToast(intl: IntlShape, value: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(value);
    showToast({ tone: 'success', text: intl.formatMessage({ id: 'copy.done' }, { what }) });
  } catch {
    showToast({ tone: 'error', text: intl.formatMessage({ id: 'copy.failed' }, { what }) });
  }
}
