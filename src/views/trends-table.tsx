/**
 * @module Suppressed tables and charts as server-rendered HTML (the public transparency page).
 * The console draws the same structures with DOM calls (src/client/trends.ts). HTML only.
 */
import { jsx } from 'hono/jsx';
import type { Child } from 'hono/jsx';
import type { SvgNode } from '../trends/chart';
import type { Table, TableRow } from '../trends/tables';

/** An SVG tree from src/trends/chart.ts as JSX; its text is escaped like any other. */
export function Svg({ node }: { node: SvgNode }): Child {
  const children: Child[] = [];
  if (node.text !== undefined) children.push(node.text);
  for (const child of node.children ?? []) children.push(<Svg node={child} />);
  return jsx(node.tag, { ...(node.attrs ?? {}) }, ...children);
}

const cells = (table: Table, r: TableRow) => {
  const showTotal = !table.noTotalColumn;
  const total = <td class="num total">{String(r.total)}</td>;
  return (
    <>
      {showTotal && table.totalFirst && total}
      {r.cells.map((v) => (
        <td class="num">{String(v)}</td>
      ))}
      {showTotal && !table.totalFirst && total}
      {(r.extra ?? []).map((v) => (
        <td class="num extra">{v}</td>
      ))}
    </>
  );
};

/** A table of counts with row and column headers, scrollable on its own on a narrow screen. */
export function CountsTable({ table }: { table: Table }) {
  const showTotal = !table.noTotalColumn;
  // A number column's heading sits right, over its numbers, not over the next column's.
  const totalHeader = <th scope="col" class="num">{table.totalLabel}</th>;
  return (
    <div class="table-wrap" role="region" aria-labelledby={`${table.id}-title`} tabindex={0}>
      <table class="counts" id={table.id}>
        <caption>
          <span id={`${table.id}-title`}>{table.title}</span>
          {table.caption && <span class="sub">{table.caption}</span>}
        </caption>
        <thead>
          <tr>
            <th scope="col">{table.rowHeader}</th>
            {showTotal && table.totalFirst && totalHeader}
            {table.columns.map((c) => (
              <th scope="col" class="num">{c}</th>
            ))}
            {showTotal && !table.totalFirst && totalHeader}
            {(table.extraColumns ?? []).map((c) => (
              <th scope="col" class="num">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r) => (
            <tr>
              <th scope="row">{r.label}</th>
              {cells(table, r)}
            </tr>
          ))}
        </tbody>
        {table.totals && (
          <tfoot>
            <tr>
              <th scope="row">{table.totals.label}</th>
              {cells(table, table.totals)}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
