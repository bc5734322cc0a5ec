/**
 * Who may see trends: officials only, within their jurisdiction; monitors and strangers are
 * refused. The CSV carries exactly the numbers of the dashboard, suppressed the same way.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sodium } from '../../src/crypto';
import { MIN_SHOWN, SUPPRESSED } from '../../src/trends/cellkey';
import { api, makeOfficial, signIn } from './console-helpers';
import { makeFacility, sodium, type TestFacility } from './helpers';
import { countsOf, dashboard, insertReports, rowOf, table } from './trends-helpers';

let s: Sodium;
let X: TestFacility;
let X2: TestFacility;
let Y: TestFacility;
const tokens: Record<'monitorX' | 'officialX' | 'officialY' | 'national', string> = {} as never;

beforeAll(async () => {
  s = await sodium();
  X = await makeFacility(s, { state: 'Estado-X' });
  X2 = await makeFacility(s, { state: 'Estado-X', official: false });
  Y = await makeFacility(s, { state: 'Estado-Y' });
  await insertReports(s, [
    { facilityId: X.id, ago: 3, times: 6 },
    { facilityId: X2.id, ago: 3, times: 8, sendTo: 'both' },
    { facilityId: Y.id, ago: 3, times: 9, sendTo: 'authority' },
    { facilityId: Y.id, ago: 10, times: 2 },
    { facilityId: Y.id, ago: 10, times: 6, sendTo: 'both' },
  ]);
  tokens.monitorX = await signIn(s, X.monitor);
  tokens.officialX = await signIn(s, X.official);
  tokens.officialY = await signIn(s, Y.official);
  tokens.national = await signIn(s, await makeOfficial(s, null));
});

const ENDPOINTS = ['/console/api/trends', '/console/api/trends/options', '/console/api/trends/export.csv'];

describe('trends: who may see them', () => {
  it('should refuse requests without a session', async () => {
    for (const path of ENDPOINTS) expect((await api(path)).status, path).toBe(401);
  });

  it('should refuse monitors, and write the refusal to the audit log', async () => {
    for (const path of ENDPOINTS) {
      const res = await api(path, { token: tokens.monitorX });
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    const denied = await env.DB.prepare(`SELECT count(*) AS n FROM audit_log WHERE actor = ?1 AND action = 'trends' AND outcome = 'denied'`)
      .bind(X.monitor.keyId)
      .first<{ n: number }>();
    expect(denied!.n).toBe(3);
  });

  it('should keep an official to their state: facilities, options and totals', async () => {
    const options = (await (await api('/console/api/trends/options', { token: tokens.officialX })).json()) as { facilities: Array<{ id: string }>; states: string[] };
    expect(options.facilities.map((f) => f.id).sort()).toEqual([X.id, X2.id].sort());
    expect(options.states).toEqual(['Estado-X']);
    const view = await dashboard(tokens.officialX);
    expect(view.facilityCount).toBe(2);
    expect(table(view, 'facilities').rows.map((r) => r.label).sort()).toEqual([`Planta ${X.id}`, `Planta ${X2.id}`].sort());
    expect(rowOf(table(view, 'facilities'), 'TOTAL').Total).toBe(14); // 6 + 8, nothing from Y
  });

  it("should refuse an official another state's facility or state", async () => {
    expect((await api(`/console/api/trends?facility=${Y.id}`, { token: tokens.officialX })).status).toBe(403);
    expect((await api(`/console/api/trends?state=Estado-Y`, { token: tokens.officialX })).status).toBe(403);
    expect((await api(`/console/api/trends/export.csv?facility=${Y.id}`, { token: tokens.officialX })).status).toBe(403);
    expect((await api(`/console/api/trends?facility=no-such-plant`, { token: tokens.officialX })).status).toBe(404);
    expect((await api(`/console/api/trends?facility=${X.id}`, { token: tokens.officialX })).status).toBe(200);
  });

  it('should show a national official every facility, counting reports sent only to the authority', async () => {
    const view = await dashboard(tokens.national, `state=Estado-Y`);
    const y = rowOf(table(view, 'facilities'), `Planta ${Y.id}`);
    // 2 to the company alone shows "<5"; the 6 beside it needs no hiding any more: with real
    // (random) record keys the total and each part carry their own adjustment, so 17 − 9 − 6 gives
    // 2 plus noise (tests/node/cellkey-attacker.test.ts). Here every key is 0: true counts.
    expect(y).toMatchObject({ 'Solo empresa': SUPPRESSED, 'Solo autoridad': 9, 'Empresa y autoridad': 6, Total: 17 });
  });

  it('should refuse bad ranges, saying what is wrong with the weeks when that is the problem', async () => {
    for (const q of ['from=2026-W99', 'from=2020-W01&to=2026-W01', 'from=2026-W10&to=2026-W02', 'to=2999-W01', 'sector=textiles', 'x=1']) {
      const res = await api(`/console/api/trends?${q}`, { token: tokens.national });
      expect(res.status, q).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      const weeksProblem = ['from=2020-W01&to=2026-W01', 'from=2026-W10&to=2026-W02', 'to=2999-W01'].includes(q);
      expect(error.code, q).toBe(weeksProblem ? 'bad_range' : 'invalid');
      if (weeksProblem) expect(error.message, q).toContain('semanas');
    }
  });
});

describe('trends: what they show', () => {
  it('should show no count from 1 to 4 anywhere, and the CSV should carry the same numbers', async () => {
    const view = await dashboard(tokens.national);
    for (const t of view.tables) for (const v of countsOf(t)) expect(v === SUPPRESSED || v === 0 || (typeof v === 'number' && v >= MIN_SHOWN), `${t.id}: ${v}`).toBe(true);

    const res = await api('/console/api/trends/export.csv?lang=es', { token: tokens.national });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="buzon-tendencias-\d{4}-W\d{2}-\d{4}-W\d{2}\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text).toContain('Mediana de días para cerrar');
    const blocks = text.trim().split('\r\n\r\n').slice(1);
    expect(blocks).toHaveLength(view.tables.length);
    blocks.forEach((block, i) => {
      const t = view.tables[i]!;
      const lines = block.split('\r\n').map((l) => parseCsvLine(l));
      expect(lines[0]).toEqual([t.title]);
      const totalAt = t.columns.length + 1;
      const rows = [...t.rows, ...(t.totals ? [t.totals] : [])];
      rows.forEach((r, j) => {
        const fields = lines[j + 2]!;
        expect(fields[0]).toBe(r.label);
        expect(fields.slice(1, totalAt).map(cell)).toEqual(r.cells);
        if (!t.noTotalColumn) expect(cell(fields[totalAt]!)).toEqual(r.total);
      });
    });
    const exported = await env.DB.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'trends_export' AND outcome = 'ok'`).first<{ n: number }>();
    expect(exported!.n).toBeGreaterThan(0);
  });
});

const cell = (f: string) => (f === SUPPRESSED ? f : Number(f));

/** One CSV line, RFC 4180 quoting. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}
