import type { AdminUserStatus } from '@lanyard/contracts/admin';
import { useIntl } from 'react-intl';

/** The status as the seeds name it (Pending Invite, Invited, Expired Invitation, Enabled, Disabled, SSO Only). */
export function StatusBadge({ status }: { status: AdminUserStatus }) {
  const intl = useIntl();
  return (
    <span className={`badge badge-status-${status}`} data-status={status}>
      {intl.formatMessage({ id: `userStatus.${status}` })}
    </span>
  );
}

/** "Locked until 10:42" while a lockout lasts, nothing otherwise. */
export function LockedNote({ lockedUntil, now = Date.now() }: { lockedUntil: string | null; now?: number }) {
  const intl = useIntl();
  if (lockedUntil === null || Date.parse(lockedUntil) <= now) return null;
  return (
    <span className="badge badge-locked">{intl.formatMessage({ id: 'directory.lockedUntil' }, { until: intl.formatDate(lockedUntil, { dateStyle: 'short', timeStyle: 'short' }) })}</span>
  );
}
