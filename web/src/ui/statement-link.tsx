import { idSchema } from '@lanyard/contracts/common';
import { useIntl } from 'react-intl';
import { Link, useLocation } from 'react-router';

/**
 * Router state the footer's link hands to the accessibility statement: the page the person was on, and the
 * tenant that page was for (a tenant's sign-in page, `/login?tenantId=…`), for their feedback.
 */
export interface StatementLinkState {
  feedbackFrom: string;
  feedbackTenant?: string;
}

/** The `tenantId` a query string names, when it is an id. */
function tenantIdIn(search: string): string | undefined {
  const tenantId = new URLSearchParams(search).get('tenantId');
  return tenantId !== null && idSchema.safeParse(tenantId).success ? tenantId : undefined;
}

/**
 * The tenant a signed-out feedback is for, when the person came from a tenant's pages: the footer link's
 * state, else the statement's own `?tenantId=`, else a same-origin referrer's; undefined otherwise (the
 * form then sends the tenant last signed in to in this browser, if any).
 */
export function feedbackTenantOf(state: unknown, search: string): string | undefined {
  if (typeof state === 'object' && state !== null) {
    const tenant = (state as Partial<StatementLinkState>).feedbackTenant;
    if (typeof tenant === 'string' && idSchema.safeParse(tenant).success) return tenant;
  }
  const own = tenantIdIn(search);
  if (own !== undefined || document.referrer === '') return own;
  const referrer = new URL(document.referrer);
  return referrer.origin === window.location.origin ? tenantIdIn(referrer.search) : undefined;
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
  const onStatement = location.pathname === '/accessibility-statement';
  const from = onStatement ? feedbackPageOf(location.state as unknown) : location.pathname;
  const tenant = onStatement ? feedbackTenantOf(location.state as unknown, location.search) : tenantIdIn(location.search);
  const state: StatementLinkState | null = from === undefined ? null : { feedbackFrom: from, ...(tenant === undefined ? {} : { feedbackTenant: tenant }) };
  return (
    <Link to="/accessibility-statement" state={state}>
      {intl.formatMessage({ id: 'footer.accessibility' })}
    </Link>
  );
}
