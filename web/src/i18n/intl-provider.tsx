import { useState, type ReactNode } from 'react';
import { IntlProvider } from 'react-intl';
import { browserLanguages, pickLocale } from './locale.ts';

/** Every console string comes from the catalogue of the locale chosen by `pickLocale`. */
export function ConsoleIntlProvider({ children }: { children: ReactNode }) {
  const [{ locale, messages }] = useState(() => pickLocale(browserLanguages()));
  return (
    <IntlProvider locale={locale} messages={messages} defaultLocale="en">
      {children}
    </IntlProvider>
  );
}
