import { useIntl } from 'react-intl';

/** Sets the document title; React 19 hoists `<title>` into the document head. */
export function PageTitle({ title }: { title: string }) {
  const intl = useIntl();
  return <title>{intl.formatMessage({ id: 'app.documentTitle' }, { page: title })}</title>;
}
