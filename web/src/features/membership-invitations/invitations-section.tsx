import { useEffect, useRef } from 'react';
import { useIntl } from 'react-intl';
import { useLocation } from 'react-router';
import { InvitationItem } from './invitation-item.tsx';
import { useAnswerInvitation, useMembershipInvitations, type InvitationAnswer } from './use-membership-invitations.ts';

/** The anchor the invitation email links to (`/profile/general#invitations`). */
export const invitationsAnchor = 'invitations';

/**
 * My Profile › General: the person's pending invitations to join another tenant, each with Accept and Decline. Shown only while
 * there is one; the invitation email links here.
 */
export function InvitationsSection() {
  const intl = useIntl();
  const location = useLocation();
  const invitations = useMembershipInvitations();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const answer = useAnswerInvitation(() => requestAnimationFrame(() => headingRef.current?.focus()));
  const items = invitations.data ?? [];
  const linkedTo = location.hash === `#${invitationsAnchor}` && items.length > 0;
  useEffect(() => {
    if (!linkedTo) return;
    headingRef.current?.scrollIntoView({ block: 'start' });
    headingRef.current?.focus({ preventScroll: true });
  }, [linkedTo]);
  if (items.length === 0 && !answer.isSuccess) return null;
  const pendingFor = (id: string): InvitationAnswer | null => (answer.isPending && answer.variables.invitation.id === id ? answer.variables.answer : null);
  return (
    <section id={invitationsAnchor} className="panel-section invitations-section" aria-labelledby="invitations-heading">
      <h2 id="invitations-heading" tabIndex={-1} ref={headingRef}>
        {intl.formatMessage({ id: 'memberInvitations.heading' })}
      </h2>
      {items.length === 0 ? (
        <p className="muted">{intl.formatMessage({ id: 'memberInvitations.none' })}</p>
      ) : (
        <>
          <p>{intl.formatMessage({ id: 'memberInvitations.intro' })}</p>
          <ul className="invitation-list">
            {items.map((invitation) => (
              <InvitationItem key={invitation.id} invitation={invitation} pending={pendingFor(invitation.id)} onAnswer={(choice) => answer.mutate({ invitation, answer: choice })} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
