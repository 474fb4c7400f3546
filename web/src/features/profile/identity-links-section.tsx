import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { messageForCode, messageForError } from '../../ui/error-message.ts';
import { identityLinksQueryKey, linkableProvidersQueryKey, listIdentityLinks, listLinkableProviders, readSsoMessage, startIdentityLink, unlinkIdentity } from '../../api/sso.ts';
import { useMe } from '../../session/me-context.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { showToast } from '../../ui/toasts.tsx';

type Link = Awaited<ReturnType<typeof listIdentityLinks>>['items'][number];

/**
 * My Profile › Account › Identity providers (seed 001: "Link your account to an identity provider, if you have
 * the Users Edit permission"): the linked providers, Link (the provider's pop-up; its callback binds the
 * identity to me) and Unlink (with the current password).
 */
export function IdentityLinksSection() {
  const intl = useIntl();
  const me = useMe();
  const queryClient = useQueryClient();
  const links = useQuery({ queryKey: identityLinksQueryKey, queryFn: ({ signal }) => listIdentityLinks(signal) });
  const mayLink = me.permissions.includes('users.edit');
  const providers = useQuery({ queryKey: linkableProvidersQueryKey, queryFn: ({ signal }) => listLinkableProviders(signal), enabled: mayLink });
  const [problem, setProblem] = useState<string | null>(null);
  const [toUnlink, setToUnlink] = useState<Link | null>(null);
  const [currentPassword, setCurrentPassword] = useState('');
  const popup = useRef<Window | null>(null);

  useEffect(() => {
    function onMessage(event: MessageEvent) {
      const message = readSsoMessage(event);
      if (message === null || popup.current === null || event.source !== popup.current) return;
      popup.current = null;
      if (message.ok) {
        showToast({ tone: 'success', text: intl.formatMessage({ id: 'links.linked' }) });
        void queryClient.invalidateQueries({ queryKey: identityLinksQueryKey });
      } else setProblem(messageForCode(intl, message.code));
    }
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [intl, queryClient]);

  async function link(providerId: string) {
    setProblem(null);
    const opened = window.open('', 'lanyard-sso', 'popup,width=520,height=680');
    try {
      const authorizationUrl = await startIdentityLink(providerId);
      if (opened === null) {
        window.location.assign(authorizationUrl);
        return;
      }
      popup.current = opened;
      opened.location.href = authorizationUrl;
    } catch (error) {
      opened?.close();
      setProblem(messageForError(intl, error));
    }
  }

  const unlink = useMutation({
    mutationFn: (target: Link) => unlinkIdentity(target.id, currentPassword === '' ? undefined : currentPassword),
    onSuccess: async (_result, target) => {
      setToUnlink(null);
      setCurrentPassword('');
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'links.unlinked' }, { name: target.providerName }) });
      await queryClient.invalidateQueries({ queryKey: identityLinksQueryKey });
    },
    onError: () => setCurrentPassword(''),
  });

  const items = links.data?.items;
  // An SSO-only account has no password to give: the dialog then asks none.
  const passwordRequired = links.data?.currentPasswordRequired !== false;
  const linkedIds = new Set((items ?? []).map((item) => item.providerId));
  const linkable = (providers.data ?? []).filter((provider) => !linkedIds.has(provider.id));

  return (
    <section aria-labelledby="account-links-heading" className="panel-section">
      <h2 id="account-links-heading">{intl.formatMessage({ id: 'links.heading' })}</h2>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      {links.isError && <p>{messageForError(intl, links.error)}</p>}
      {items !== undefined && items.length === 0 && <p>{intl.formatMessage({ id: 'links.none' })}</p>}
      {items !== undefined && items.length > 0 && (
        <ul className="plain-list" aria-label={intl.formatMessage({ id: 'links.heading' })}>
          {items.map((item) => (
            <li key={item.id} data-link={item.providerName} className="identity-link">
              <strong>{item.providerName}</strong>
              <span>{item.email ?? item.subject}</span>
              <Button size="small" aria-label={intl.formatMessage({ id: 'links.unlinkLabel' }, { name: item.providerName })} onPress={() => setToUnlink(item)}>
                {intl.formatMessage({ id: 'links.unlink' })}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {mayLink && linkable.length > 0 && (
        <div className="table-actions">
          {linkable.map((provider) => (
            <Button key={provider.id} onPress={() => void link(provider.id)}>
              {intl.formatMessage({ id: 'links.link' }, { name: provider.buttonLabel ?? provider.name })}
            </Button>
          ))}
        </div>
      )}
      <ConfirmDialog
        isOpen={toUnlink !== null}
        heading={{ id: 'links.unlinkHeading', values: { name: toUnlink?.providerName ?? '' } }}
        confirmLabel={{ id: 'links.unlink' }}
        danger
        isPending={unlink.isPending}
        onCancel={() => {
          setToUnlink(null);
          setCurrentPassword('');
          unlink.reset();
        }}
        onConfirm={() => {
          if (toUnlink !== null && !unlink.isPending) unlink.mutate(toUnlink);
        }}
      >
        <AlertRegion message={unlink.isError ? { tone: 'error', title: messageForError(intl, unlink.error) } : null} />
        {passwordRequired && (
          <TextField
            label={intl.formatMessage({ id: 'links.currentPassword' })}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            isRequired
            value={currentPassword}
            onChange={setCurrentPassword}
          />
        )}
      </ConfirmDialog>
    </section>
  );
}
