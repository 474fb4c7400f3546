import { useIntl } from 'react-intl';
import { Link, useLocation } from 'react-router';

/** Router state the footer's link hands to the accessibility statement: the page the person was on, for their feedback. */
export interface StatementLinkState {
  feedbackFrom: string;
}

/** The page a feedback is about: the one the footer's link was followed from (router state), else a same-origin referrer; undefined otherwise. */
export function feedbackPageOf(state: unknown): string | undefined {
  if (typeof state === 'object' && state !== null) {
    const from = (state as Partial<StatementLinkState>).feedbackFrom;
    if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('//')) return from.slice(0, 2000);
  }
  if (document.referrer === '') return undefined;
  const referrer = new URL(document.referrer);
  return referrer.origin === window.location.origin && referrer.pathname !== '/accessibility-statement' ? referrer.pathname : undefined;
}

/** The footer's link to the accessibility statement (every layout), remembering the page it was followed from. */
export function StatementLink() {
  const intl = useIntl();
  const location = useLocation();
  // On the statement itself the link keeps the page it was reached from.
  const from = location.pathname === '/accessibility-statement' ? feedbackPageOf(location.state as unknown) : location.pathname;
  const state: StatementLinkState | null = from === undefined ? null : { feedbackFrom: from };
  return (
    <Link to="/accessibility-statement" state={state}>
      {intl.formatMessage({ id: 'footer.accessibility' })}
    </Link>
  );
}
