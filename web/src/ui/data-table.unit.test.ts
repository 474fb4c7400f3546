import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { IntlProvider } from 'react-intl';
import { describe, expect, it } from 'vitest';
import { englishMessages } from '../i18n/messages.ts';
import { DataTable, type Column, type DataTableProps } from './data-table.tsx';

interface Team {
  id: string;
  name: string;
  members: number;
}

const teams: Team[] = [
  { id: 't1', name: 'Support', members: 4 },
  { id: 't2', name: 'Billing', members: 12 },
];

const columns: Column<Team>[] = [
  { key: 'name', header: 'teamsPage.column.name', kind: 'rowHeader', cell: (team) => team.name, sortValue: (team) => team.name },
  { key: 'members', header: 'teamsPage.column.members', cell: (team) => String(team.members), sortValue: (team) => team.members },
  { key: 'actions', header: 'keys.column.actions', kind: 'actions', cell: () => null },
];

function render(props: Partial<DataTableProps<Team>>): string {
  const table = createElement(DataTable<Team>, { caption: { id: 'teamsPage.list' }, columns, rows: teams, rowKey: (team) => team.id, ...props });
  return renderToStaticMarkup(createElement(IntlProvider, { locale: 'en', messages: englishMessages }, table));
}

describe('DataTable', () => {
  it('draws a real table: caption, column headers, a row header, and each value labelled for the card layout', () => {
    const html = render({ rowData: (team) => ({ 'data-team': team.name }) });
    expect(html).toContain('<table class="data-table table-stacked" role="table"><caption class="visually-hidden">Teams of this tenant</caption>');
    expect(html).toContain('<th scope="col" role="columnheader" aria-sort="none">');
    expect(html).toContain('<tr role="row" data-team="Support"><th scope="row" role="rowheader" class="cell-wide">Support</th>');
    expect(html).toContain('<td role="cell" data-label="Members">4</td>');
    // The actions column is named for screen readers only, and its cell carries no card label.
    expect(html).toContain('<span class="visually-hidden">Actions</span>');
    expect(html).toContain('<td role="cell" class="cell-actions"></td>');
  });

  it('sorts by a sortable column and says so with aria-sort', () => {
    const ascending = render({ initialSort: { column: 'name', direction: 'ascending' } });
    expect(ascending.indexOf('>Billing<')).toBeLessThan(ascending.indexOf('>Support<'));
    expect(ascending).toMatch(/aria-sort="ascending"><button[^>]*>Team</);
    const descending = render({ initialSort: { column: 'members', direction: 'descending' } });
    expect(descending.indexOf('>Billing<')).toBeLessThan(descending.indexOf('>Support<'));
    const byMembers = render({ initialSort: { column: 'members', direction: 'ascending' } });
    expect(byMembers.indexOf('>Support<')).toBeLessThan(byMembers.indexOf('>Billing<'));
  });

  it('shows the empty state instead of an empty table', () => {
    expect(render({ rows: [], empty: { id: 'teamsPage.none' } })).toBe(`<p>${englishMessages['teamsPage.none']}</p>`);
  });
});
