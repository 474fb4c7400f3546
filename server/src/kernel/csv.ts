/**
 * Writing CSV that people open in spreadsheets (the import report, the audit export). Every cell is
 * defused against formula injection (OWASP "CSV Injection"): a cell starting with `=`, `+`, `-`, `@`, a
 * tab or a carriage return is prefixed with a single quote, so a spreadsheet shows it as text instead of
 * running it. Cells holding a comma, a quote or a line break are quoted (RFC 4180), quotes doubled.
 */

const formulaStart = /^[=+\-@\t\r]/;
const needsQuoting = /[",\r\n]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const defused = formulaStart.test(value) ? `'${value}` : value;
  return needsQuoting.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused;
}

/** One CSV record, CRLF-terminated (RFC 4180). */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
