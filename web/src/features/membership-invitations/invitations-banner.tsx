import { useRef, useState } from 'react';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { InfoIcon } from '../../ui/icons.tsx';
import { InvitationItem } from './invitation-item.tsx';
import { useAnswerInvitation, useMembershipInvitations, type InvitationAnswer } from './use-membership-invitations.ts';

/**
 * After sign-in, on every signed-in page: "<Tenant> invited you to join as <Role>" with Accept and Decline (SPEC §3.12). It never
 * blocks the page; Later hides it until the next visit, and My Profile › General keeps the list.
 */
export function InvitationsBanner() {
  const intl = useIntl();
  const invitations = useMembershipInvitations();
  const [hidden, setHidden] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const answer = useAnswerInvitation(() => {
    // The answered item leaves the list: focus goes to the banner's heading, or to the page when nothing is left.
    const remaining = (invitations.data?.length ?? 0) - 1;
    requestAnimationFrame(() => (remaining > 0 ? headingRef.current : document.getElementById('main'))?.focus());
  });
  const items = invitations.data ?? [];
  if (hidden || items.length === 0) return null;
  const pendingFor = (id: string): InvitationAnswer | null => (answer.isPending && answer.variables.invitation.id === id ? answer.variables.answer : null);
  return (
    <section className="invitations-banner" aria-labelledby="invitations-banner-heading">
      <InfoIcon className="icon invitations-banner-icon" />
      <div className="invitations-banner-body">
        <h2 id="invitations-banner-heading" className="invitations-banner-heading" tabIndex={-1} ref={headingRef}>
          {intl.formatMessage({ id: 'memberInvitations.bannerHeading' }, { count: items.length })}
        </h2>
        <p className="invitations-banner-intro">{intl.formatMessage({ id: 'memberInvitations.intro' })}</p>
        <ul className="invitation-list">
          {items.map((invitation) => (
            <InvitationItem key={invitation.id} invitation={invitation} pending={pendingFor(invitation.id)} onAnswer={(choice) => answer.mutate({ invitation, answer: choice })} />
          ))}
        </ul>
      </div>
      <Button size="small" className="invitations-banner-later" onPress={() => setHidden(true)}>
        {intl.formatMessage({ id: 'memberInvitations.later' })}
      </Button>
    </section>
  );
}
