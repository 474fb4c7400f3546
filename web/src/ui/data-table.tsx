import { useState, type ReactNode } from 'react';
import { Button as AriaButton } from 'react-aria-components';
import { useIntl } from 'react-intl';
import type { MessageId } from '../i18n/messages.ts';
import { formatWords, type Words } from './words.ts';

type SortDirection = 'ascending' | 'descending';

/** One column, declared once: its header, how a row's cell is drawn, and how the cell sits in the card layout. */
export interface Column<Row> {
  key: string;
  /** The column's name: its header and, in the card layout, the label above each value. */
  header: MessageId;
  cell: (row: Row) => ReactNode;
  /**
   * `rowHeader`: the cell names the row (a `<th scope="row">`, the card's title); `actions`: the row's
   * buttons (the header is read but not shown, the cell sits at the card's end). Others are plain values.
   */
  kind?: 'rowHeader' | 'actions';
  /** The cell takes the card's whole width below 40rem. */
  wide?: boolean;
  /** Makes the column sortable by this value. */
  sortValue?: (row: Row) => string | number;
}

export interface DataTableProps<Row> {
  /** The table's accessible name (a visually hidden caption). */
  caption: Words;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** `data-*` attributes of a row, which the journeys find rows by. */
  rowData?: (row: Row) => Readonly<Record<`data-${string}`, string>>;
  /** Shown instead of the table when there are no rows (without it, an empty table is drawn). */
  empty?: Words;
  /** The sort a sortable table starts in. */
  initialSort?: { column: string; direction: SortDirection };
  /** An extra class for a page's own column widths. */
  className?: string;
}

function compare(left: string | number, right: string | number): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left).localeCompare(String(right));
}

/**
 * The console's list table. A real table (explicit roles, because below 40rem CSS draws each row as a card
 * and `display` would drop the table semantics), a caption, column headers (the sorted one says so with
 * `aria-sort`), each value labelled with its column's name in the card layout, and the row's actions.
 */
export function DataTable<Row>({ caption, columns, rows, rowKey, rowData, empty, initialSort, className }: DataTableProps<Row>) {
  const intl = useIntl();
  const [sort, setSort] = useState(initialSort ?? null);
  if (rows.length === 0 && empty !== undefined) return <p>{formatWords(intl, empty)}</p>;

  const sortColumn = sort === null ? undefined : columns.find((column) => column.key === sort.column);
  const sortValue = sortColumn?.sortValue;
  const shown =
    sortValue === undefined || sort === null
      ? rows
      : [...rows].sort((left, right) => compare(sortValue(left), sortValue(right)) * (sort.direction === 'ascending' ? 1 : -1));

  return (
    <div className="table-scroll">
      <table className={className === undefined ? 'data-table table-stacked' : `data-table table-stacked ${className}`} role="table">
        <caption className="visually-hidden">{formatWords(intl, caption)}</caption>
        <thead role="rowgroup">
          <tr role="row">
            {columns.map((column) => {
              const name = intl.formatMessage({ id: column.header });
              const direction = sort?.column === column.key ? sort.direction : undefined;
              return (
                <th key={column.key} scope="col" role="columnheader" {...(column.sortValue === undefined ? {} : { 'aria-sort': direction ?? 'none' })}>
                  {column.kind === 'actions' ? (
                    <span className="visually-hidden">{name}</span>
                  ) : column.sortValue === undefined ? (
                    name
                  ) : (
                    <AriaButton
                      className="sort-button"
                      onPress={() => setSort({ column: column.key, direction: direction === 'ascending' ? 'descending' : 'ascending' })}
                    >
                      {name}
                      <span className="sort-indicator" data-direction={direction ?? 'none'} aria-hidden="true" />
                    </AriaButton>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {shown.map((row) => (
            <tr key={rowKey(row)} role="row" {...rowData?.(row)}>
              {columns.map((column) => {
                const name = intl.formatMessage({ id: column.header });
                if (column.kind === 'rowHeader') {
                  return (
                    <th key={column.key} scope="row" role="rowheader" className="cell-wide">
                      {column.cell(row)}
                    </th>
                  );
                }
                const cellClass = column.wide === true ? 'cell-wide' : column.kind === 'actions' ? 'cell-actions' : undefined;
                return (
                  <td key={column.key} role="cell" {...(cellClass === undefined ? {} : { className: cellClass })} {...(column.kind === 'actions' ? {} : { 'data-label': name })}>
                    {column.cell(row)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A row's buttons, side by side (wrapping in the card layout). */
export function RowActions({ children }: { children: ReactNode }) {
  return <div className="table-actions">{children}</div>;
}
