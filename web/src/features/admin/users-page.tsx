import { userStatuses, type AdminUserStatus } from '@lanyard/contracts/admin';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ModalOverlay, Modal } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { Link } from 'react-router';
import { listRoles, listTeams, listUsers, rolesQueryKey, teamsQueryKey, usersQueryKey, type UserFilters } from '../../api/admin.ts';
import { useMe } from '../../session/me-context.ts';
import { SelectField } from '../../ui/select-field.tsx';
import { DismissableModal } from '../../ui/dismissable-modal.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { AddMemberDialog } from './add-member-dialog.tsx';
import { AdminPage, QueryState } from './admin-page.tsx';
import { ImportDialog } from './import-dialog.tsx';
import { InviteDialog } from './invite-dialog.tsx';
import { LockedNote, StatusBadge } from './user-status.tsx';

const pageSize = 25;
/** How long typing must pause before the directory is searched. */
const searchDelayMs = 300;
const anyOption = 'any';

function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

export function displayName(user: { firstName: string; lastName: string; username: string }): string {
  const name = `${user.firstName} ${user.lastName}`.trim();
  return name === '' ? user.username : name;
}

/** Administration › Users, "the User Management window" (seed 002; SPEC §3.9, `users.view`). */
export function UsersPage() {
  const intl = useIntl();
  return (
    <AdminPage
      title={intl.formatMessage({ id: 'directory.heading' })}
      eyebrow={intl.formatMessage({ id: 'admin.eyebrow' })}
      heading={intl.formatMessage({ id: 'directory.heading' })}
      permission="users.view"
    >
      <Users />
    </AdminPage>
  );
}

function Users() {
  const intl = useIntl();
  const me = useMe();
  const mayInvite = me.permissions.includes('users.invite');
  const [query, setQuery] = useState('');
  const [roleId, setRoleId] = useState<string>(anyOption);
  const [teamId, setTeamId] = useState<string>(anyOption);
  const [status, setStatus] = useState<string>(anyOption);
  const [dialog, setDialog] = useState<'invite' | 'import' | 'member' | null>(null);
  const q = useDebounced(query.trim(), searchDelayMs);
  const filters: UserFilters = {
    q: q === '' ? undefined : q,
    roleId: roleId === anyOption ? undefined : roleId,
    teamId: teamId === anyOption ? undefined : teamId,
    status: status === anyOption ? undefined : (status as AdminUserStatus),
  };
  const filterKey = JSON.stringify(filters);
  // The cursors of the pages seen so far: [undefined (the first page), cursor of page 2, …].
  const [pages, setPages] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: filterKey, cursors: [undefined] });
  const cursors = pages.key === filterKey ? pages.cursors : [undefined];
  const cursor = cursors.at(-1);

  const roles = useQuery({ queryKey: rolesQueryKey, queryFn: ({ signal }) => listRoles(signal) });
  const teams = useQuery({ queryKey: teamsQueryKey, queryFn: ({ signal }) => listTeams(signal) });
  const users = useQuery({
    queryKey: [...usersQueryKey, 'list', filters, cursor ?? null],
    queryFn: ({ signal }) => listUsers({ ...filters, cursor, limit: pageSize }, signal),
    placeholderData: keepPreviousData,
  });

  const anyLabel = intl.formatMessage({ id: 'directory.filter.any' });

  return (
    <>
      <p className="lead">{intl.formatMessage({ id: 'directory.lead' }, { tenant: me.tenant.name })}</p>
      {mayInvite && (
        <div className="page-actions">
          <Button variant="primary" onPress={() => setDialog('invite')}>
            {intl.formatMessage({ id: 'directory.invite' })}
          </Button>
          <Button onPress={() => setDialog('import')}>
            {intl.formatMessage({ id: 'directory.import' })}
          </Button>
          <Button onPress={() => setDialog('member')}>
            {intl.formatMessage({ id: 'directory.addExisting' })}
          </Button>
        </div>
      )}
      <section className="panel-section" aria-labelledby="users-list-heading">
        <h2 id="users-list-heading" className="visually-hidden">
          {intl.formatMessage({ id: 'directory.list' })}
        </h2>
        <div className="filters filters-users" role="search" aria-label={intl.formatMessage({ id: 'directory.searchRegion' })}>
          <TextField
            label={intl.formatMessage({ id: 'directory.search' })}
            description={intl.formatMessage({ id: 'directory.searchHint' })}
            type="search"
            name="q"
            value={query}
            onChange={setQuery}
            isIdentifier
            maxLength={100}
          />
          <SelectField
            label={intl.formatMessage({ id: 'directory.filter.role' })}
            placeholder={anyLabel}
            options={[{ id: anyOption, name: anyLabel }, ...(roles.data ?? []).map((role) => ({ id: role.id, name: role.name }))]}
            value={roleId}
            onChange={(value) => setRoleId(value ?? anyOption)}
          />
          <SelectField
            label={intl.formatMessage({ id: 'directory.filter.team' })}
            placeholder={anyLabel}
            options={[{ id: anyOption, name: anyLabel }, ...(teams.data ?? []).map((team) => ({ id: team.id, name: team.name }))]}
            value={teamId}
            onChange={(value) => setTeamId(value ?? anyOption)}
          />
          <SelectField
            label={intl.formatMessage({ id: 'directory.filter.status' })}
            placeholder={anyLabel}
            options={[{ id: anyOption, name: anyLabel }, ...userStatuses.map((entry) => ({ id: entry, name: intl.formatMessage({ id: `userStatus.${entry}` }) }))]}
            value={status}
            onChange={(value) => setStatus(value ?? anyOption)}
          />
        </div>
        {users.isPending || users.isError ? (
          <QueryState query={users} failedTitle={intl.formatMessage({ id: 'directory.loadFailed' })} />
        ) : (
          <>
            <p className="muted small" role="status">
              {users.isFetching ? intl.formatMessage({ id: 'directory.searching' }) : intl.formatMessage({ id: 'directory.pageInfo' }, { page: cursors.length, count: users.data.items.length })}
            </p>
            {users.data.items.length === 0 ? (
              <p>{intl.formatMessage({ id: 'directory.none' })}</p>
            ) : (
              <DataTable
                className="users-table"
                caption={{ id: 'directory.list' }}
                rows={users.data.items}
                rowKey={(user) => user.id}
                rowData={(user) => ({ 'data-username': user.username })}
                columns={[
                  { key: 'name', header: 'directory.column.name', kind: 'rowHeader', cell: (user) => <Link to={`/admin/users/${user.id}`}>{displayName(user)}</Link> },
                  { key: 'username', header: 'directory.column.username', cell: (user) => user.username },
                  { key: 'email', header: 'directory.column.email', cell: (user) => user.email },
                  { key: 'role', header: 'directory.column.role', cell: (user) => user.role.name },
                  {
                    key: 'team',
                    header: 'directory.column.team',
                    cell: (user) => user.team?.name ?? <span className="muted">{intl.formatMessage({ id: 'directory.noTeam' })}</span>,
                  },
                  {
                    key: 'status',
                    header: 'directory.column.status',
                    cell: (user) => (
                      <span className="badges">
                        <StatusBadge status={user.status} />
                        <LockedNote lockedUntil={user.lockedUntil} />
                      </span>
                    ),
                  },
                ]}
              />
            )}
            <nav className="pager" aria-label={intl.formatMessage({ id: 'directory.paging' })}>
              <Button
                isDisabled={cursors.length <= 1}
                onPress={() => setPages({ key: filterKey, cursors: cursors.slice(0, -1) })}
              >
                {intl.formatMessage({ id: 'directory.previous' })}
              </Button>
              <Button
                isDisabled={users.data.nextCursor === null || users.isPlaceholderData}
                onPress={() => {
                  const next = users.data.nextCursor;
                  if (next !== null) setPages({ key: filterKey, cursors: [...cursors, next] });
                }}
              >
                {intl.formatMessage({ id: 'directory.next' })}
              </Button>
            </nav>
          </>
        )}
      </section>
      <ModalOverlay
        className="modal-overlay"
        isDismissable={dialog === 'invite'}
        isKeyboardDismissDisabled={dialog === 'import'}
        isOpen={dialog === 'invite' || dialog === 'import'}
        onOpenChange={(open) => {
          if (!open) setDialog(null);
        }}
      >
        <Modal className="modal modal-wide">
          {dialog === 'invite' && <InviteDialog roles={roles.data ?? []} teams={teams.data ?? []} onDone={() => setDialog(null)} />}
          {dialog === 'import' && <ImportDialog onDone={() => setDialog(null)} />}
        </Modal>
      </ModalOverlay>
      <DismissableModal isOpen={dialog === 'member'} onClose={() => setDialog(null)} wide>
        <AddMemberDialog roles={roles.data ?? []} teams={teams.data ?? []} onDone={() => setDialog(null)} />
      </DismissableModal>
    </>
  );
}
