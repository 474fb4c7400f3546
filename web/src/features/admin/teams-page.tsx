import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { createTeam, deleteTeam, listTeams, renameTeam, teamsQueryKey, usersQueryKey, type TeamWithCount } from '../../api/admin.ts';
import { Button } from '../../ui/button.tsx';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { DataTable, RowActions } from '../../ui/data-table.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { NameDialog } from '../../ui/name-dialog.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useCommand } from '../../ui/use-command.ts';
import { AdminPage, QueryState } from './admin-page.tsx';

/** A team's name shows in the directory (its Team column and filter), so a change to teams refreshes both. */
const teamQueries = [teamsQueryKey, usersQueryKey];

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
  const teams = useQuery({ queryKey: teamsQueryKey, queryFn: ({ signal }) => listTeams(signal) });
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<TeamWithCount | null>(null);
  const [toDelete, setToDelete] = useState<TeamWithCount | null>(null);

  const add = useCommand({
    run: (teamName: string) => createTeam(teamName),
    invalidates: teamQueries,
    onSuccess: () => setName(''),
    success: (team) => ({ id: 'teamsPage.created', values: { name: team.name } }),
  });
  const rename = useCommand({
    run: (teamName: string) => renameTeam(renaming?.id ?? '', teamName),
    invalidates: teamQueries,
    onSuccess: () => setRenaming(null),
    success: (_team, teamName) => ({ id: 'teamsPage.renamed', values: { name: teamName } }),
  });
  const remove = useCommand({
    run: (team: TeamWithCount) => deleteTeam(team.id),
    invalidates: teamQueries,
    failure: 'toast',
    onSuccess: () => setToDelete(null),
    onError: () => setToDelete(null),
    success: (_result, team) => ({ id: 'teamsPage.deleted', values: { name: team.name } }),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (name.trim() !== '') add.run(name.trim());
  }

  return (
    <>
      <section className="panel-section" aria-labelledby="new-team-heading">
        <h2 id="new-team-heading">{intl.formatMessage({ id: 'teamsPage.new' })}</h2>
        <Form className="inline-form" onSubmit={submit} aria-labelledby="new-team-heading">
          <TextField label={intl.formatMessage({ id: 'teamsPage.name' })} name="teamName" value={name} onChange={setName} maxLength={100} isRequired />
          <Button type="submit" variant="primary" isPending={add.isPending}>
            {intl.formatMessage({ id: 'teamsPage.create' })}
          </Button>
        </Form>
        <AlertRegion message={add.problem === null ? null : { tone: 'error', title: add.problem }} />
      </section>
      <section className="panel-section" aria-labelledby="teams-list-heading">
        <h2 id="teams-list-heading">{intl.formatMessage({ id: 'teamsPage.list' })}</h2>
        {teams.isPending || teams.isError ? (
          <QueryState query={teams} failedTitle={intl.formatMessage({ id: 'teamsPage.loadFailed' })} />
        ) : (
          <DataTable
            caption={{ id: 'teamsPage.list' }}
            empty={{ id: 'teamsPage.none' }}
            rows={teams.data}
            rowKey={(team) => team.id}
            rowData={(team) => ({ 'data-team': team.name })}
            columns={[
              { key: 'name', header: 'teamsPage.column.name', kind: 'rowHeader', cell: (team) => team.name },
              {
                key: 'members',
                header: 'teamsPage.column.members',
                cell: (team) =>
                  team.membersCount === null ? intl.formatMessage({ id: 'teamsPage.countUnknown' }) : intl.formatMessage({ id: 'teamsPage.members' }, { count: team.membersCount }),
              },
              {
                key: 'actions',
                header: 'keys.column.actions',
                kind: 'actions',
                cell: (team) => (
                  <RowActions>
                    <Button size="small" aria-label={intl.formatMessage({ id: 'teamsPage.renameLabel' }, { name: team.name })} onPress={() => setRenaming(team)}>
                      {intl.formatMessage({ id: 'teamsPage.rename' })}
                    </Button>
                    <Button size="small" aria-label={intl.formatMessage({ id: 'teamsPage.deleteLabel' }, { name: team.name })} onPress={() => setToDelete(team)}>
                      {intl.formatMessage({ id: 'app.delete' })}
                    </Button>
                  </RowActions>
                ),
              },
            ]}
          />
        )}
      </section>
      <NameDialog
        isOpen={renaming !== null}
        onClose={() => setRenaming(null)}
        heading={{ id: 'teamsPage.renameHeading', values: { name: renaming?.name ?? '' } }}
        label={{ id: 'teamsPage.name' }}
        fieldName="teamName"
        initialName={renaming?.name ?? ''}
        maxLength={100}
        command={rename}
      />
      <ConfirmDialog
        isOpen={toDelete !== null}
        heading={{ id: 'teamsPage.deleteHeading', values: { name: toDelete?.name ?? '' } }}
        confirmLabel={{ id: 'app.delete' }}
        danger
        isPending={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete !== null) remove.run(toDelete);
        }}
      >
        <p>{intl.formatMessage({ id: 'teamsPage.deleteBody' }, { count: toDelete?.membersCount ?? 0 })}</p>
      </ConfirmDialog>
    </>
  );
}
