import type { MembershipInvitation } from '@lanyard/contracts/tenancy';
import { Button } from '../../ui/button.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import type { InvitationAnswer } from './use-membership-invitations.ts';

/**
 * One invitation to join a tenant: who invites, with which role, until when, and its two answers. The buttons name the tenant for
 * people who reach them out of context (a screen reader's list of buttons).
 */
export function InvitationItem({
  invitation,
  pending,
  onAnswer,
}: {
  invitation: MembershipInvitation;
  /** The answer being sent for this invitation, if any: both buttons wait for it. */
  pending: InvitationAnswer | null;
  onAnswer: (answer: InvitationAnswer) => void;
}) {
  const intl = useIntl();
  const values = { tenant: invitation.tenant.name, role: invitation.role.name };
  return (
    <li className="invitation-item" data-tenant={invitation.tenant.name}>
      <div className="invitation-text">
        <p className="invitation-title">
          <FormattedMessage id="memberInvitations.invitedAs" values={{ ...values, b: (chunks) => <strong>{chunks}</strong> }} />
        </p>
        <p className="muted invitation-dates">
          {intl.formatMessage(
            { id: 'memberInvitations.dates' },
            { invitedAt: intl.formatDate(invitation.invitedAt, { dateStyle: 'medium' }), expiresAt: intl.formatDate(invitation.expiresAt, { dateStyle: 'medium', timeStyle: 'short' }) },
          )}
        </p>
      </div>
      <div className="invitation-actions">
        <Button
          variant="primary"
          aria-label={intl.formatMessage({ id: 'memberInvitations.acceptLabel' }, values)}
          isDisabled={pending !== null}
          onPress={() => onAnswer('accept')}
        >
          {pending === 'accept' ? intl.formatMessage({ id: 'memberInvitations.accepting' }) : intl.formatMessage({ id: 'memberInvitations.accept' })}
        </Button>
        <Button
          aria-label={intl.formatMessage({ id: 'memberInvitations.declineLabel' }, values)}
          isDisabled={pending !== null}
          onPress={() => onAnswer('decline')}
        >
          {pending === 'decline' ? intl.formatMessage({ id: 'memberInvitations.declining' }) : intl.formatMessage({ id: 'memberInvitations.decline' })}
        </Button>
      </div>
    </li>
  );
}
