/**
 * @module The officials' trends view in the console. Asks the server for the dashboard (every
 * count already suppressed there) and draws it: tables with DOM calls, charts as SVG elements
 * from the tree the server built (createElementNS, attributes, textContent; never markup).
 * The CSV is fetched with the session token and handed to the browser as a file.
 */
import type { SvgNode } from '../trends/chart';
import type { TrendsOptions, TrendsView as DashboardView } from '../contract/console-responses';
import type { Table, TableRow } from '../trends/tables';
import { $, ApiProblem, el, msg, requestJson } from './page';

/** The filters' choices (GET /console/api/trends/options). */
type Options = TrendsOptions;

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The tables of the clocks section (src/trends/dashboard.ts), shown before the counts. */
const CLOCK_TABLES = ['ack', 'answer', 'close', 'never_opened'];

/** Builds SVG elements from the server's tree: attribute values and text only. */
export function svgElement(node: SvgNode): SVGElement {
  const element = document.createElementNS(SVG_NS, node.tag) as SVGElement;
  for (const [k, v] of Object.entries(node.attrs ?? {})) {
    if (k === 'xmlns') continue;
    element.setAttribute(k, String(v));
  }
  if (node.text !== undefined) element.textContent = node.text;
  for (const child of node.children ?? []) element.append(svgElement(child));
  return element;
}

/** A suppressed table as DOM, the same shape as the public page's (src/views/trends-table.tsx). */
export function tableElement(table: Table): HTMLElement {
  const wrap = el('div', null, { class: 'table-wrap', role: 'region', 'aria-labelledby': `${table.id}-title`, tabindex: '0' });
  const t = el('table', null, { class: 'counts', id: table.id });
  const caption = el('caption');
  caption.append(el('span', table.title, { id: `${table.id}-title` }));
  if (table.caption) caption.append(el('span', table.caption, { class: 'sub' }));
  const showTotal = !table.noTotalColumn;
  const head = el('tr');
  head.append(el('th', table.rowHeader, { scope: 'col' }));
  // A number column's heading sits right, over its numbers, not over the next column's.
  const totalHeader = () => el('th', table.totalLabel, { scope: 'col', class: 'num' });
  if (showTotal && table.totalFirst) head.append(totalHeader());
  for (const c of table.columns) head.append(el('th', c, { scope: 'col', class: 'num' }));
  if (showTotal && !table.totalFirst) head.append(totalHeader());
  for (const c of table.extraColumns ?? []) head.append(el('th', c, { scope: 'col', class: 'num' }));
  const thead = el('thead');
  thead.append(head);
  const row = (r: TableRow) => {
    const tr = el('tr');
    tr.append(el('th', r.label, { scope: 'row' }));
    const total = () => el('td', String(r.total), { class: 'num total' });
    if (showTotal && table.totalFirst) tr.append(total());
    for (const v of r.cells) tr.append(el('td', String(v), { class: 'num' }));
    if (showTotal && !table.totalFirst) tr.append(total());
    for (const v of r.extra ?? []) tr.append(el('td', v, { class: 'num extra' }));
    return tr;
  };
  const tbody = el('tbody');
  for (const r of table.rows) tbody.append(row(r));
  t.append(caption, thead, tbody);
  if (table.totals) {
    const tfoot = el('tfoot');
    tfoot.append(row(table.totals));
    t.append(tfoot);
  }
  wrap.append(t);
  return wrap;
}

/** Wires the trends view for a signed-in official. */
export function startTrends(session: { lang: string; token: () => string }) {
  const { lang } = session;
  let options: Options | undefined;
  const nav = $('views-nav');
  const showCases = $<HTMLButtonElement>('show-cases');
  const showTrends = $<HTMLButtonElement>('show-trends');
  const view = $('trends-view');
  const status = $('trends-status');
  nav.hidden = false;

  const get = <T>(path: string) => requestJson<T>(`/console/api/trends${path}`, { token: session.token() });

  const params = () => {
    const p = new URLSearchParams({ lang });
    for (const [name, id] of [['state', 'trends-state'], ['sector', 'trends-sector'], ['facility', 'trends-facility'], ['from', 'trends-from'], ['to', 'trends-to']] as const) {
      const value = $<HTMLInputElement | HTMLSelectElement>(id).value;
      if (value) p.set(name, value);
    }
    return p;
  };

  const select = (pressed: 'cases' | 'trends') => {
    showCases.setAttribute('aria-pressed', String(pressed === 'cases'));
    showTrends.setAttribute('aria-pressed', String(pressed === 'trends'));
    view.hidden = pressed !== 'trends';
    $('list-view').hidden = pressed !== 'cases';
    $('case-view').hidden = true;
  };

  showCases.addEventListener('click', () => select('cases'));
  showTrends.addEventListener('click', () => {
    select('trends');
    void (options ? load() : init());
  });
  $<HTMLFormElement>('trends-filters').addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  $('trends-csv').addEventListener('click', () => void downloadCsv());
  $('trends-state').addEventListener('change', fillFacilities);
  $('trends-sector').addEventListener('change', fillFacilities);

  async function init() {
    status.textContent = msg('trends.loading');
    try {
      options = await get<Options>(`/options?lang=${lang}`);
    } catch (error) {
      status.textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
      return;
    }
    const state = $<HTMLSelectElement>('trends-state');
    for (const s of options.states) state.append(el('option', s, { value: s }));
    if (options.scopeState) state.value = options.scopeState;
    $<HTMLInputElement>('trends-from').value = options.from;
    $<HTMLInputElement>('trends-to').value = options.to;
    $<HTMLInputElement>('trends-to').max = options.to;
    fillFacilities();
    await load();
  }

  /** Only the facilities that match the chosen state and sector. */
  function fillFacilities() {
    if (!options) return;
    const state = $<HTMLSelectElement>('trends-state').value;
    const sector = $<HTMLSelectElement>('trends-sector').value;
    const select = $<HTMLSelectElement>('trends-facility');
    const chosen = select.value;
    const first = select.options[0]!;
    select.replaceChildren(first);
    for (const f of options.facilities) {
      if ((state && f.state !== state) || (sector && f.sector !== sector)) continue;
      select.append(el('option', f.name, { value: f.id }));
    }
    select.value = [...select.options].some((o) => o.value === chosen) ? chosen : '';
  }

  async function load() {
    status.textContent = msg('trends.loading');
    try {
      const data = await get<DashboardView>(`?${params()}`);
      render(data);
      status.textContent = msg('trends.summary', { facilities: data.facilityCount, from: data.fromLabel, to: data.toLabel });
    } catch (error) {
      status.textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
    }
  }

  function render(data: DashboardView) {
    const out = $('trends-results');
    // Why a report sent today shows nowhere yet, said once above every figure (docs/trends.md).
    const parts: HTMLElement[] = [el('p', data.upTo, { id: 'trends-up-to', class: 'up-to' })];
    // The clocks first: whether plants answer in time is what an official comes to check; the
    // spike alerts, then the counts, longer, follow.
    const clocks = data.tables.filter((t) => CLOCK_TABLES.includes(t.id));
    const counts = data.tables.filter((t) => !CLOCK_TABLES.includes(t.id));
    const charts = new Map(data.charts.map((c) => [c.table, c]));
    parts.push(el('h3', msg('trends.clocks_heading'), { id: 'trends-clocks' }));
    for (const table of clocks) parts.push(tableElement(table));

    parts.push(el('h3', msg('trends.spikes_heading')));
    if (data.spikes.length) {
      const list = el('ul', null, { id: 'trends-spikes', class: 'spikes' });
      for (const sp of data.spikes) list.append(el('li', msg('trends.spike_item', { facility: sp.facility, week: sp.week })));
      parts.push(list);
    } else parts.push(el('p', msg('trends.no_spikes'), { id: 'trends-spikes' }));
    parts.push(el('h3', msg('trends.counts_heading'), { id: 'trends-counts' }));
    for (const table of counts) {
      const chart = charts.get(table.id);
      if (chart) {
        const figure = el('figure', null, { class: 'chart-figure', 'aria-labelledby': `${chart.id}-caption` });
        // A labelled, focusable region: on a phone the chart scrolls inside it, at full size.
        const scroll = el('div', null, { class: 'chart-scroll', role: 'region', tabindex: '0', 'aria-label': chart.region });
        scroll.append(svgElement(chart.svg));
        figure.append(el('figcaption', chart.title, { id: `${chart.id}-caption` }), scroll);
        parts.push(figure);
      }
      parts.push(tableElement(table));
    }
    parts.push(el('h3', msg('trends.notes_heading')));
    const notes = el('ul', null, { class: 'notes' });
    for (const n of data.notes) notes.append(el('li', n));
    parts.push(notes);
    out.replaceChildren(...parts);
  }

  async function downloadCsv() {
    status.textContent = msg('trends.loading');
    try {
      const res = await fetch(`/console/api/trends/export.csv?${params()}`, {
        headers: { authorization: `Bearer ${session.token()}` },
        cache: 'no-store',
        credentials: 'omit',
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new ApiProblem(body.error?.message ?? msg('errors.unavailable'), res.status);
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'buzon-tendencias.csv';
      const link = $<HTMLAnchorElement>('trends-csv-link');
      if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
      link.href = URL.createObjectURL(new Blob([await res.arrayBuffer()], { type: 'text/csv;charset=utf-8' }));
      link.download = name;
      link.click();
      status.textContent = msg('trends.csv_ready');
    } catch (error) {
      status.textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
    }
  }
}
