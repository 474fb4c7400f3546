import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Dialog, Form, Heading } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { createTeam, deleteTeam, listTeams, renameTeam, teamsQueryKey, usersQueryKey, type TeamWithCount } from '../../api/admin.ts';
import { messageForError } from '../../api/client.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { showToast } from '../../ui/toasts.tsx';
import { AdminPage, QueryState } from './admin-page.tsx';
import { DismissableModal } from '../../ui/dismissable-modal.tsx';

/** Administration › Teams (SPEC §3.9, `teams.manage`): create, rename, delete (members become unassigned). */
export function TeamsPage() {
  const intl = useIntl();
  return (
    <AdminPage
      title={intl.formatMessage({ id: 'teamsPage.heading' })}
      eyebrow={intl.formatMessage({ id: 'admin.eyebrow' })}
      heading={intl.formatMessage({ id: 'teamsPage.heading' })}
      permission="teams.manage"
    >
      <Teams />
    </AdminPage>
  );
}

function Teams() {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const teams = useQuery({ queryKey: teamsQueryKey, queryFn: ({ signal }) => listTeams(signal) });
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<TeamWithCount | null>(null);
  const [toDelete, setToDelete] = useState<TeamWithCount | null>(null);
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: teamsQueryKey });
    await queryClient.invalidateQueries({ queryKey: usersQueryKey });
  };

  const add = useMutation({
    mutationFn: () => createTeam(name.trim()),
    onSuccess: async (team) => {
      setName('');
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'teamsPage.created' }, { name: team.name }) });
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (team: TeamWithCount) => deleteTeam(team.id),
    onSuccess: async (_result, team) => {
      setToDelete(null);
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'teamsPage.deleted' }, { name: team.name }) });
      await refresh();
    },
    onError: (error) => {
      setToDelete(null);
      showToast({ tone: 'error', text: messageForError(intl, error) });
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (name.trim() === '' || add.isPending) return;
    add.mutate();
  }

  const columns = {
    name: intl.formatMessage({ id: 'teamsPage.column.name' }),
    members: intl.formatMessage({ id: 'teamsPage.column.members' }),
    actions: intl.formatMessage({ id: 'keys.column.actions' }),
  };

  return (
    <>
      <section className="panel-section" aria-labelledby="new-team-heading">
        <h2 id="new-team-heading">{intl.formatMessage({ id: 'teamsPage.new' })}</h2>
        <Form className="inline-form" onSubmit={submit} aria-labelledby="new-team-heading">
          <TextField label={intl.formatMessage({ id: 'teamsPage.name' })} name="teamName" value={name} onChange={setName} maxLength={100} isRequired />
          <Button type="submit" className="button button-primary" isPending={add.isPending}>
            {intl.formatMessage({ id: 'teamsPage.create' })}
          </Button>
        </Form>
        <AlertRegion message={add.isError ? { tone: 'error', title: messageForError(intl, add.error) } : null} />
      </section>
      <section className="panel-section" aria-labelledby="teams-list-heading">
        <h2 id="teams-list-heading">{intl.formatMessage({ id: 'teamsPage.list' })}</h2>
        {teams.isPending || teams.isError ? (
          <QueryState query={teams} failedTitle={intl.formatMessage({ id: 'teamsPage.loadFailed' })} />
        ) : teams.data.length === 0 ? (
          <p>{intl.formatMessage({ id: 'teamsPage.none' })}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table table-stacked" role="table">
              <caption className="visually-hidden">{intl.formatMessage({ id: 'teamsPage.list' })}</caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">{columns.name}</th>
                  <th scope="col" role="columnheader">{columns.members}</th>
                  <th scope="col" role="columnheader">
                    <span className="visually-hidden">{columns.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {teams.data.map((team) => (
                  <tr key={team.id} role="row" data-team={team.name}>
                    <th scope="row" role="rowheader" className="cell-wide">
                      {team.name}
                    </th>
                    <td role="cell" data-label={columns.members}>
                      {team.membersCount === null ? intl.formatMessage({ id: 'teamsPage.countUnknown' }) : intl.formatMessage({ id: 'teamsPage.members' }, { count: team.membersCount })}
                    </td>
                    <td role="cell" className="cell-actions">
                      <div className="table-actions">
                        <Button className="button button-small" aria-label={intl.formatMessage({ id: 'teamsPage.renameLabel' }, { name: team.name })} onPress={() => setRenaming(team)}>
                          {intl.formatMessage({ id: 'teamsPage.rename' })}
                        </Button>
                        <Button className="button button-small" aria-label={intl.formatMessage({ id: 'teamsPage.deleteLabel' }, { name: team.name })} onPress={() => setToDelete(team)}>
                          {intl.formatMessage({ id: 'app.delete' })}
                        </Button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <DismissableModal isOpen={renaming !== null} onClose={() => setRenaming(null)}>{renaming !== null && <RenameDialog team={renaming} onDone={() => setRenaming(null)} onRenamed={refresh} />}</DismissableModal>
      <ConfirmDialog
        isOpen={toDelete !== null}
        heading={intl.formatMessage({ id: 'teamsPage.deleteHeading' }, { name: toDelete?.name ?? '' })}
        confirmLabel={intl.formatMessage({ id: 'app.delete' })}
        danger
        isPending={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete !== null) remove.mutate(toDelete);
        }}
      >
        <p>{intl.formatMessage({ id: 'teamsPage.deleteBody' }, { count: toDelete?.membersCount ?? 0 })}</p>
      </ConfirmDialog>
    </>
  );
}

function RenameDialog({ team, onDone, onRenamed }: { team: TeamWithCount; onDone: () => void; onRenamed: () => Promise<void> }) {
  const intl = useIntl();
  const [name, setName] = useState(team.name);
  const rename = useMutation({
    mutationFn: () => renameTeam(team.id, name.trim()),
    onSuccess: async () => {
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'teamsPage.renamed' }, { name: name.trim() }) });
      onDone();
      await onRenamed();
    },
  });
  return (
    <Dialog className="dialog">
      <Heading slot="title" className="dialog-title">
        {intl.formatMessage({ id: 'teamsPage.renameHeading' }, { name: team.name })}
      </Heading>
      <AlertRegion message={rename.isError ? { tone: 'error', title: messageForError(intl, rename.error) } : null} />
      <Form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim() !== '' && !rename.isPending) rename.mutate();
        }}
      >
        <TextField label={intl.formatMessage({ id: 'teamsPage.name' })} name="teamName" value={name} onChange={setName} maxLength={100} isRequired autoFocus />
        <div className="form-actions">
          <Button type="submit" className="button button-primary">
            {intl.formatMessage({ id: 'app.save' })}
          </Button>
          <Button className="button" slot="close">
            {intl.formatMessage({ id: 'app.cancel' })}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
