/**
 * @module The dashboard as CSV: the very tables the console shows, already suppressed, one block
 * per table separated by an empty line. UTF-8 with a byte order mark and CRLF line ends, so a
 * Spanish Excel opens it with its accents; hidden counts are written "<5" as on screen.
 */
import type { Table } from './tables';

/** A field quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvField(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const line = (fields: Array<string | number>) => fields.map(csvField).join(',');

/** One table as rows of fields: title, header, rows, totals. */
export function tableRows(table: Table): Array<Array<string | number>> {
  const totalFirst = table.totalFirst === true;
  const showTotal = !table.noTotalColumn;
  const header = [table.rowHeader, ...(showTotal && totalFirst ? [table.totalLabel] : []), ...table.columns, ...(showTotal && !totalFirst ? [table.totalLabel] : []), ...(table.extraColumns ?? [])];
  const row = (r: NonNullable<Table['totals']>) => [
    r.label,
    ...(showTotal && totalFirst ? [r.total] : []),
    ...r.cells,
    ...(showTotal && !totalFirst ? [r.total] : []),
    ...(r.extra ?? []),
  ];
  return [[table.title], header, ...table.rows.map(row), ...(table.totals ? [row(table.totals)] : [])];
}

/** The whole CSV file, byte order mark included. */
export function toCsv(heading: string[], tables: readonly Table[]): string {
  const blocks = [heading.map((h) => line([h])).join('\r\n'), ...tables.map((t) => tableRows(t).map(line).join('\r\n'))];
  return `\uFEFF${blocks.join('\r\n\r\n')}\r\n`;
}
