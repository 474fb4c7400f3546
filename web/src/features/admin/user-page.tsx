import type { AdminUserDetail, UnlockCode } from '@lanyard/contracts/admin';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { Link, useNavigate, useParams } from 'react-router';
import {
  auditQueryKey,
  createUnlockCode,
  fetchUser,
  listAuditEvents,
  listRoles,
  listTeams,
  removeUser,
  resendInvitation,
  rolesQueryKey,
  sendPasswordReset,
  teamsQueryKey,
  unlockUser,
  updateUser,
  userQueryKey,
  usersQueryKey,
} from '../../api/admin.ts';
import { resetUserMfa } from '../../api/mfa.ts';
import { listPresenceLists, presenceListsQueryKey } from '../../api/presence.ts';
import { isApiError } from '../../api/client.ts';
import { messageForError } from '../../ui/error-message.ts';
import { useMe } from '../../session/me-context.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { SelectField } from '../../ui/select-field.tsx';
import { showToast } from '../../ui/toasts.tsx';
import { Loading } from '../../ui/loading.tsx';
import type { MessageId } from '../../i18n/messages.ts';
import { AdminPage } from './admin-page.tsx';
import { grantableRoles } from './grantable.ts';
import { LockedNote, StatusBadge } from './user-status.tsx';
import { displayName } from './users-page.tsx';

type Action = 'resend' | 'disable' | 'enable' | 'unlock' | 'reset' | 'unlockCode' | 'mfaReset' | 'remove';

const noTeam = 'none';
/** The presence reason list option meaning "none of the user's own: the tenant default applies". */
const tenantDefaultList = 'tenant-default';

/** A user's page (SPEC §3.9): details, memberships, MFA, sessions, recent events, and the actions. */
export function UserPage() {
  const intl = useIntl();
  const { userId = '' } = useParams();
  const user = useQuery({ queryKey: userQueryKey(userId), queryFn: ({ signal }) => fetchUser(userId, signal) });
  const heading = user.data === undefined ? intl.formatMessage({ id: 'user.heading' }) : displayName(user.data);
  return (
    <AdminPage title={heading} eyebrow={intl.formatMessage({ id: 'user.eyebrow' })} heading={heading} permission="users.view">
      <p>
        <Link to="/admin/users">{intl.formatMessage({ id: 'user.back' })}</Link>
      </p>
      {user.isPending ? (
        <Loading />
      ) : user.isError ? (
        <Message tone="error" title={isApiError(user.error) && user.error.code === 'USER_NOT_FOUND' ? intl.formatMessage({ id: 'user.notFound' }) : intl.formatMessage({ id: 'user.loadFailed' })}>
          <p>{messageForError(intl, user.error)}</p>
        </Message>
      ) : (
        <UserDetails user={user.data} />
      )}
    </AdminPage>
  );
}

function UserDetails({ user }: { user: AdminUserDetail }) {
  const intl = useIntl();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // What this administrator may do to this person here (SPEC §3.12): the membership needs rank, the account also its home here.
  const mayEdit = me.permissions.includes('users.edit') && user.allowedActions.membership;
  const mayEditAccount = mayEdit && user.allowedActions.account;
  const mayInvite = me.permissions.includes('users.invite') && user.allowedActions.account;
  const tenantName = me.tenant.name;
  const mayAudit = me.permissions.includes('audit.view');
  const [confirming, setConfirming] = useState<Action | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [unlockCode, setUnlockCode] = useState<UnlockCode | null>(null);
  const formatDate = (iso: string) => intl.formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' });
  const name = displayName(user);
  const locked = user.lockedUntil !== null && Date.parse(user.lockedUntil) > Date.now();
  const pendingInvitation = user.status === 'pending_invite' || user.status === 'invited' || user.status === 'invitation_expired';

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: usersQueryKey });
    await queryClient.invalidateQueries({ queryKey: ['admin', 'audit'] });
  };

  const act = useMutation({
    mutationFn: async (action: Action): Promise<UnlockCode | null> => {
      if (action === 'resend') await resendInvitation(user.id);
      else if (action === 'disable') await updateUser(user.id, { status: 'disabled' });
      else if (action === 'enable') await updateUser(user.id, { status: 'enabled' });
      else if (action === 'unlock') await unlockUser(user.id);
      else if (action === 'reset') await sendPasswordReset(user.id);
      else if (action === 'mfaReset') await resetUserMfa(user.id);
      else if (action === 'remove') await removeUser(user.id);
      else return createUnlockCode(user.id);
      return null;
    },
    onSuccess: async (code, action) => {
      setConfirming(null);
      setProblem(null);
      if (code !== null) setUnlockCode(code);
      const done: Record<Action, MessageId> = {
        resend: 'user.done.resend',
        disable: 'user.done.disable',
        enable: 'user.done.enable',
        unlock: 'user.done.unlock',
        reset: 'user.done.reset',
        unlockCode: 'user.done.unlockCode',
        mfaReset: 'user.done.mfaReset',
        remove: 'user.done.remove',
      };
      const doneId = action === 'disable' && !user.managedHere ? 'user.done.disableMembership' : done[action];
      showToast({ tone: 'success', text: intl.formatMessage({ id: doneId }, { name, email: user.email, tenant: tenantName }) });
      await refresh();
      if (action === 'remove') await navigate('/admin/users');
    },
    onError: (error) => {
      setConfirming(null);
      setProblem(messageForError(intl, error));
    },
  });

  const confirmations: Record<Action, { heading: MessageId; body: MessageId; confirm: MessageId; danger: boolean }> = {
    resend: { heading: 'user.confirm.resend.heading', body: 'user.confirm.resend.body', confirm: 'user.action.resend', danger: false },
    disable: { heading: 'user.confirm.disable.heading', body: 'user.confirm.disable.body', confirm: 'user.action.disable', danger: true },
    enable: { heading: 'user.confirm.enable.heading', body: 'user.confirm.enable.body', confirm: 'user.action.enable', danger: false },
    unlock: { heading: 'user.confirm.unlock.heading', body: 'user.confirm.unlock.body', confirm: 'user.action.unlock', danger: false },
    reset: { heading: 'user.confirm.reset.heading', body: 'user.confirm.reset.body', confirm: 'user.action.reset', danger: false },
    unlockCode: { heading: 'user.confirm.unlockCode.heading', body: 'user.confirm.unlockCode.body', confirm: 'user.action.unlockCode', danger: false },
    mfaReset: { heading: 'user.confirm.mfaReset.heading', body: 'user.confirm.mfaReset.body', confirm: 'user.action.mfaReset', danger: true },
    remove: { heading: 'user.confirm.remove.heading', body: 'user.confirm.remove.body', confirm: 'user.action.remove', danger: true },
  };
  // Disabling a person managed elsewhere stops only their use of this tenant: the dialog says so.
  if (!user.managedHere) confirmations.disable = { ...confirmations.disable, body: 'user.confirm.disableMembership.body' };
  const open = confirming === null ? null : confirmations[confirming];
  const actionButton = (action: Action) => (
    <Button
      key={action}
     
      onPress={() => {
        setProblem(null);
        setConfirming(action);
      }}
    >
      {intl.formatMessage({ id: confirmations[action].confirm })}
    </Button>
  );

  return (
    <>
      <PageTitle title={intl.formatMessage({ id: 'admin.documentTitle' }, { page: name })} />
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      {!user.managedHere && (
        <Message tone="info" title={intl.formatMessage({ id: 'user.managedElsewhere.title' })}>
          <p>{intl.formatMessage({ id: 'user.managedElsewhere.body' }, { name, tenant: tenantName })}</p>
        </Message>
      )}
      {me.permissions.includes('users.edit') && !user.allowedActions.membership && (
        <Message tone="info" title={intl.formatMessage({ id: 'user.outranked.title' }, { name })}>
          <p>{intl.formatMessage({ id: 'user.outranked.body' })}</p>
        </Message>
      )}
      <div className="info-grid">
        <section className="info-section" aria-labelledby="user-details-heading">
          <h2 id="user-details-heading">{intl.formatMessage({ id: 'user.details' })}</h2>
          <dl className="pairs">
            <div>
              <dt>{intl.formatMessage({ id: 'directory.column.username' })}</dt>
              <dd>{user.username}</dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'directory.column.email' })}</dt>
              <dd>{user.email}</dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'directory.column.status' })}</dt>
              <dd>
                <span className="badges">
                  <StatusBadge status={user.status} />
                  <LockedNote lockedUntil={user.lockedUntil} />
                </span>
              </dd>
            </div>
            {user.invitation !== null && (
              <div>
                <dt>{intl.formatMessage({ id: 'user.invitationExpires' })}</dt>
                <dd>{formatDate(user.invitation.expiresAt)}</dd>
              </div>
            )}
            <div>
              <dt>{intl.formatMessage({ id: 'user.managedBy' })}</dt>
              <dd data-field="managed-by">
                {user.homeTenant === null ? intl.formatMessage({ id: 'user.managedBy.elsewhere' }) : intl.formatMessage({ id: 'user.managedBy.here' }, { tenant: user.homeTenant.name })}
              </dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'user.created' })}</dt>
              <dd>{formatDate(user.createdAt)}</dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'general.userId' })}</dt>
              <dd>
                <code className="identifier small">{user.id}</code>
              </dd>
            </div>
          </dl>
        </section>
        <section className="info-section" aria-labelledby="user-security-heading">
          <h2 id="user-security-heading">{intl.formatMessage({ id: 'user.security' })}</h2>
          <dl className="pairs">
            <div>
              <dt>{intl.formatMessage({ id: 'user.mfa' })}</dt>
              <dd>
                {user.mfa.enabled
                  ? intl.formatMessage({ id: 'user.mfaOn' }, { since: user.mfa.enrolledAt === null ? '' : formatDate(user.mfa.enrolledAt) })
                  : intl.formatMessage({ id: 'user.mfaOff' })}
              </dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'user.sessions' })}</dt>
              <dd>{intl.formatMessage({ id: 'user.sessionsCount' }, { count: user.sessionsCount })}</dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'user.passwordLogin' })}</dt>
              <dd>{intl.formatMessage({ id: 'user.passwordLoginValue' }, { value: user.passwordLogin })}</dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'user.identityLinks' })}</dt>
              <dd>
                {user.identityLinks.length === 0
                  ? intl.formatMessage({ id: 'user.noIdentityLinks' })
                  : intl.formatList(user.identityLinks.map((link) => link.providerName), { type: 'conjunction' })}
              </dd>
            </div>
          </dl>
        </section>
      </div>

      <section className="panel-section" aria-labelledby="user-memberships-heading">
        <h2 id="user-memberships-heading">{intl.formatMessage({ id: 'user.memberships' })}</h2>
        <ul className="plain-list">
          {user.memberships.map((membership) => (
            <li key={membership.tenant.id}>
              {intl.formatMessage(
                { id: 'user.membership' },
                { tenant: membership.tenant.name, role: membership.role.name, team: membership.team?.name ?? '', hasTeam: membership.team === null ? 'no' : 'yes', isDefault: membership.isDefault ? 'yes' : 'no' },
              )}
            </li>
          ))}
        </ul>
        {mayEdit && <MembershipForm user={user} onChanged={refresh} onProblem={setProblem} />}
        {mayEdit && me.permissions.includes('presence.lists.manage') ? <PresenceListField user={user} onChanged={refresh} onProblem={setProblem} /> : <PresenceListValue user={user} />}
      </section>

      {(mayEdit || mayInvite) && (
        <section className="panel-section" aria-labelledby="user-actions-heading">
          <h2 id="user-actions-heading">{intl.formatMessage({ id: 'user.actions' })}</h2>
          <div className="action-list">
            {mayInvite && pendingInvitation && actionButton('resend')}
            {mayEdit && user.status === 'disabled' && actionButton('enable')}
            {mayEdit && user.status !== 'disabled' && user.id !== me.user.id && actionButton('disable')}
            {mayEditAccount && locked && actionButton('unlock')}
            {mayEditAccount && (user.status === 'enabled' || user.status === 'disabled') && actionButton('reset')}
            {mayEditAccount && user.status === 'enabled' && actionButton('unlockCode')}
            {mayEditAccount && user.mfa.enabled && actionButton('mfaReset')}
            {mayEdit && user.id !== me.user.id && actionButton('remove')}
          </div>
        </section>
      )}

      {mayAudit && <RecentEvents userId={user.id} />}

      <ConfirmDialog
        isOpen={open !== null}
        heading={open === null ? null : { id: open.heading, values: { name, tenant: tenantName } }}
        confirmLabel={open === null ? null : { id: open.confirm }}
        danger={open?.danger ?? false}
        isPending={act.isPending}
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          if (confirming !== null) act.mutate(confirming);
        }}
      >
        {open !== null && <p>{intl.formatMessage({ id: open.body }, { name, email: user.email, tenant: tenantName })}</p>}
      </ConfirmDialog>

      <ModalOverlay className="modal-overlay" isOpen={unlockCode !== null} isDismissable={false} isKeyboardDismissDisabled>
        <Modal className="modal">
          <Dialog className="dialog" aria-labelledby="unlock-code-heading">
            {unlockCode !== null && (
              <>
                <Heading slot="title" id="unlock-code-heading" level={2} className="dialog-title">
                  {intl.formatMessage({ id: 'user.unlockCode.heading' }, { name })}
                </Heading>
                <p>{intl.formatMessage({ id: 'user.unlockCode.body' }, { name })}</p>
                <p className="unlock-code" data-field="unlock-code">
                  <code className="identifier">{unlockCode.code}</code>
                </p>
                <p>{intl.formatMessage({ id: 'user.unlockCode.expires' }, { expiresAt: intl.formatTime(unlockCode.expiresAt, { timeStyle: 'short' }) })}</p>
                <div className="form-actions">
                  <Button variant="primary" onPress={() => setUnlockCode(null)} autoFocus>
                    {intl.formatMessage({ id: 'keys.newDialog.done' })}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </>
  );
}

/** Change role (only roles the administrator may grant) and team, each saved on its own. */
function MembershipForm({ user, onChanged, onProblem }: { user: AdminUserDetail; onChanged: () => Promise<void>; onProblem: (problem: string | null) => void }) {
  const intl = useIntl();
  const me = useMe();
  const queryClient = useQueryClient();
  const roles = useQuery({ queryKey: rolesQueryKey, queryFn: ({ signal }) => listRoles(signal) });
  const teams = useQuery({ queryKey: teamsQueryKey, queryFn: ({ signal }) => listTeams(signal) });
  const choices = grantableRoles(roles.data ?? [], me.permissions);
  const current = user.memberships.find((membership) => membership.tenant.id === me.tenant.id);
  const roleOptions = choices;

  const change = useMutation({
    mutationFn: (body: { roleId?: string; teamId?: string | null }) => updateUser(user.id, body),
    onSuccess: async (_answer, body) => {
      onProblem(null);
      const text =
        body.roleId !== undefined
          ? intl.formatMessage({ id: 'user.done.role' }, { name: displayName(user), role: roles.data?.find((role) => role.id === body.roleId)?.name ?? '' })
          : intl.formatMessage({ id: 'user.done.team' }, { name: displayName(user), team: teams.data?.find((team) => team.id === body.teamId)?.name ?? '', hasTeam: body.teamId === null ? 'no' : 'yes' });
      showToast({ tone: 'success', text });
      await queryClient.invalidateQueries({ queryKey: userQueryKey(user.id) });
      await queryClient.invalidateQueries({ queryKey: teamsQueryKey });
      await onChanged();
    },
    onError: (error) => onProblem(messageForError(intl, error)),
  });

  if (roles.isPending || teams.isPending) return <Loading />;
  return (
    <div className="field-row membership-fields">
      <SelectField
        label={intl.formatMessage({ id: 'user.changeRole' })}
        description={intl.formatMessage({ id: 'invite.roleHint' })}
        placeholder={current?.role.name ?? user.role.name}
        options={roleOptions.map((role) => ({ id: role.id, name: role.name }))}
        value={roleOptions.some((role) => role.id === user.role.id) ? user.role.id : null}
        onChange={(roleId) => {
          if (roleId !== null && roleId !== user.role.id && !change.isPending) change.mutate({ roleId });
        }}
      />
      <SelectField
        label={intl.formatMessage({ id: 'user.changeTeam' })}
        placeholder={intl.formatMessage({ id: 'directory.noTeam' })}
        options={[{ id: noTeam, name: intl.formatMessage({ id: 'directory.noTeam' }) }, ...(teams.data ?? []).map((team) => ({ id: team.id, name: team.name }))]}
        value={user.team?.id ?? noTeam}
        onChange={(teamId) => {
          const next = teamId === null || teamId === noTeam ? null : teamId;
          if (next !== (user.team?.id ?? null) && !change.isPending) change.mutate({ teamId: next });
        }}
      />
    </div>
  );
}

/** The user's own presence reason list, read-only (viewers who may not choose it). */
function PresenceListValue({ user }: { user: AdminUserDetail }) {
  const intl = useIntl();
  return (
    <dl className="pairs presence-list-value">
      <div>
        <dt>{intl.formatMessage({ id: 'user.presenceList' })}</dt>
        <dd data-field="presence-reason-list">{user.presenceReasonList?.name ?? intl.formatMessage({ id: 'user.presenceList.default' })}</dd>
      </div>
    </dl>
  );
}

/**
 * Choose the user's presence reason list: one of the tenant's lists, or the tenant default (null). Saving needs `users.edit`
 * (PATCH); the choices need `presence.lists.manage` (the lists), so the page offers it only with both.
 */
function PresenceListField({ user, onChanged, onProblem }: { user: AdminUserDetail; onChanged: () => Promise<void>; onProblem: (problem: string | null) => void }) {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const lists = useQuery({ queryKey: presenceListsQueryKey, queryFn: ({ signal }) => listPresenceLists(signal) });
  const tenantDefault = lists.data?.find((list) => list.isDefault);
  const current = user.presenceReasonList?.id ?? null;

  const change = useMutation({
    mutationFn: (presenceReasonListId: string | null) => updateUser(user.id, { presenceReasonListId }),
    onSuccess: async (_answer, presenceReasonListId) => {
      onProblem(null);
      const list = lists.data?.find((candidate) => candidate.id === presenceReasonListId);
      showToast({
        tone: 'success',
        text:
          list === undefined
            ? intl.formatMessage({ id: 'user.done.presenceListDefault' }, { name: displayName(user) })
            : intl.formatMessage({ id: 'user.done.presenceList' }, { name: displayName(user), list: list.name }),
      });
      await queryClient.invalidateQueries({ queryKey: userQueryKey(user.id) });
      await queryClient.invalidateQueries({ queryKey: presenceListsQueryKey });
      await onChanged();
    },
    onError: (error) => onProblem(messageForError(intl, error)),
  });

  if (lists.isPending) return <Loading />;
  if (lists.isError) return <Message tone="error" title={intl.formatMessage({ id: 'presenceLists.loadFailed' })} />;
  const defaultName =
    tenantDefault === undefined ? intl.formatMessage({ id: 'user.presenceList.defaultNone' }) : intl.formatMessage({ id: 'user.presenceList.defaultNamed' }, { list: tenantDefault.name });
  return (
    <div className="field-row membership-fields">
      <SelectField
        label={intl.formatMessage({ id: 'user.presenceList' })}
        description={intl.formatMessage({ id: 'user.presenceList.hint' })}
        placeholder={defaultName}
        options={[{ id: tenantDefaultList, name: defaultName }, ...lists.data.map((list) => ({ id: list.id, name: list.name }))]}
        value={current ?? tenantDefaultList}
        onChange={(choice) => {
          const next = choice === null || choice === tenantDefaultList ? null : choice;
          if (next !== current && !change.isPending) change.mutate(next);
        }}
      />
    </div>
  );
}

function RecentEvents({ userId }: { userId: string }) {
  const intl = useIntl();
  const filters = { userId };
  const events = useQuery({ queryKey: [...auditQueryKey(filters), 'recent'], queryFn: ({ signal }) => listAuditEvents({ ...filters, limit: 10 }, signal) });
  return (
    <section className="panel-section" aria-labelledby="user-events-heading">
      <h2 id="user-events-heading">{intl.formatMessage({ id: 'user.recentEvents' })}</h2>
      {events.isPending ? (
        <Loading />
      ) : events.isError ? (
        <Message tone="error" title={messageForError(intl, events.error)} />
      ) : events.data.items.length === 0 ? (
        <p>{intl.formatMessage({ id: 'auditLog.none' })}</p>
      ) : (
        <ul className="event-list">
          {events.data.items.map((event) => (
            <li key={event.id}>
              <span className="muted small">{intl.formatDate(event.occurredAt, { dateStyle: 'medium', timeStyle: 'medium' })}</span>
              <code className="identifier">{event.action}</code>
              <span className={`badge badge-${event.result}`}>{intl.formatMessage({ id: `auditLog.result.${event.result}` })}</span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to={`/admin/audit?userId=${encodeURIComponent(userId)}`}>{intl.formatMessage({ id: 'user.allEvents' })}</Link>
      </p>
    </section>
  );
}
