/**
 * @module Sorting the console's case list by a column, in the page: received day, plant, status,
 * severity or days open. Only the rows already loaded are sorted, and a stable sort keeps the
 * server's order (a random order within each release, which says nothing about arrival) among
 * equals. Rows carry their keys as data-sort-* attributes (src/client/console-list.ts).
 */
import { SEVERITIES, STATUSES } from '../domain/case';

/** Sort keys as the rows carry them: numbers compare as numbers, the rest as text in the page's language. */
export const sortKeys = (c: { receivedDay: string; facilityName: string; status: string; severity: string | null; receivedDays: number }) => ({
  'data-sort-received': c.receivedDay,
  'data-sort-facility': c.facilityName,
  'data-sort-status': String(STATUSES.indexOf(c.status as (typeof STATUSES)[number])),
  // No severity sorts below the lowest: "critical" first when descending.
  'data-sort-severity': String(c.severity ? SEVERITIES.indexOf(c.severity as (typeof SEVERITIES)[number]) : -1),
  'data-sort-days': String(c.receivedDays),
});

const NUMERIC = new Set(['status', 'severity', 'days']);

/**
 * Makes the headings with a data-sort attribute buttons that sort the list (again: descending),
 * announced through aria-sort; rows loaded later ("more") take the chosen order too.
 */
export function sortableCases(table: HTMLTableElement, lang: string) {
  const body = table.tBodies[0]!;
  let current: { key: string; dir: 1 | -1 } | undefined;
  const collator = new Intl.Collator(lang === 'en' ? 'en' : 'es-MX', { numeric: true });
  const apply = () => {
    if (!current) return;
    const { key, dir } = current;
    const value = (tr: HTMLTableRowElement) => tr.getAttribute(`data-sort-${key}`) ?? '';
    const rows = [...body.rows];
    const sorted = [...rows].sort((a, b) => dir * (NUMERIC.has(key) ? Number(value(a)) - Number(value(b)) : collator.compare(value(a), value(b))));
    if (sorted.some((row, i) => row !== rows[i])) body.append(...sorted);
  };
  for (const th of table.querySelectorAll<HTMLTableCellElement>('thead th[data-sort]')) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    button.append(...th.childNodes);
    th.append(button);
    button.addEventListener('click', () => {
      const key = th.dataset.sort!;
      current = { key, dir: current?.key === key && current.dir === 1 ? -1 : 1 };
      for (const other of table.querySelectorAll('thead th[data-sort]')) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', current.dir === 1 ? 'ascending' : 'descending');
      apply();
    });
  }
  // Appending the sorted rows is itself a change: apply() only moves rows that are out of order, so it settles.
  new MutationObserver(apply).observe(body, { childList: true });
}
