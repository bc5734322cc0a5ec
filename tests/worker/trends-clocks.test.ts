/**
 * Case-processing clocks and spike alerts from backdated reports: the facility's own deadlines,
 * only a reply stops the acknowledgement clock, medians, "never opened", and spikes.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sodium } from '../../src/crypto';
import { addDays } from '../../src/domain/case';
import { dayLabel, mondayOf } from '../../src/trends/weeks';
import { makeOfficial, signIn } from './console-helpers';
import { makeFacility, sodium, type TestFacility } from './helpers';
import { dashboard, insertReports, rowOf, table, today } from './trends-helpers';

let s: Sodium;
let P: TestFacility;
let token: string;

beforeAll(async () => {
  s = await sodium();
  P = await makeFacility(s);
  // This facility's policy: acknowledge within 3 days, answer within 10, close within 20.
  await env.DB.prepare('UPDATE facilities SET ack_days = 3, answer_days = 10, close_days = 20 WHERE id = ?1').bind(P.id).run();
  const f = P.id;
  await insertReports(s, [
    // Acknowledged in time (day 2), answered in time (day 8), closed in time (day 15).
    { facilityId: f, ago: 40, times: 5, status: 'resolved', ackAfter: 2, answerAfter: 8, closedAfter: 15, viewed: true },
    // Acknowledged late (day 5), never answered, closed late (day 30).
    { facilityId: f, ago: 40, times: 5, status: 'referred', ackAfter: 5, closedAfter: 30, viewed: true },
    // Marked as read but never replied to: a status change does not stop the clock.
    { facilityId: f, ago: 40, times: 5, status: 'acknowledged', viewed: true },
    // Arrived yesterday: every clock still running.
    { facilityId: f, ago: 1, times: 5 },
    // Sent only to the authority: never part of the company's clocks.
    { facilityId: f, ago: 40, times: 5, sendTo: 'authority' },
    // Old and never opened by anyone (outside the date range, still counted as never opened) …
    { facilityId: f, ago: 120, times: 5 },
    // … and old, still new, but a monitor did decrypt them: opened.
    { facilityId: f, ago: 120, times: 6, viewed: true },
  ]);
  token = await signIn(s, P.official);
});

describe('case-processing clocks', () => {
  it('should count acknowledgements against the facility deadline, and only replies', async () => {
    const view = await dashboard(token, `facility=${P.id}`);
    const ack = rowOf(table(view, 'ack'), `Planta ${P.id}`);
    expect(ack).toMatchObject({ 'A tiempo': 5, Tarde: 5, Vencido: 5, 'En plazo': 5, Total: 20, 'Plazo (días)': '3' });
    expect(ack['A tiempo (%)']).toBe('33%');
    expect(ack['Mediana de días para el acuse']).toBe('3.5'); // five 2s and five 5s
  });

  it('should take the second reply as the first substantive answer', async () => {
    const view = await dashboard(token, `facility=${P.id}`);
    expect(rowOf(table(view, 'answer'), `Planta ${P.id}`)).toMatchObject({ 'A tiempo': 5, Tarde: 0, Vencido: 10, 'En plazo': 5, 'Plazo (días)': '10' });
  });

  it('should flag cases not closed in time and give the median days to close', async () => {
    const view = await dashboard(token, `facility=${P.id}`);
    const close = rowOf(table(view, 'close'), `Planta ${P.id}`);
    expect(close).toMatchObject({ 'A tiempo': 5, Tarde: 5, Vencido: 5, 'En plazo': 5, 'Plazo (días)': '20', 'A tiempo (%)': '33%' });
    expect(close['Mediana de días para cerrar']).toBe('22.5'); // five 15s and five 30s
  });

  it('should list reports nobody opened by age, whatever the date range', async () => {
    const view = await dashboard(token, `facility=${P.id}`);
    expect(rowOf(table(view, 'never_opened'), `Planta ${P.id}`)).toMatchObject({ '7 días o menos': 5, '8 a 30 días': 0, '31 a 90 días': 0, 'Más de 90 días': 5, Total: 10 });
  });

  it('should use the default deadlines (7, 30, 90 days) for a facility without its own', async () => {
    const D = await makeFacility(s);
    // Acknowledged on day 6: late for P's 3 days, in time for the default 7.
    await insertReports(s, [{ facilityId: D.id, ago: 20, times: 5, status: 'acknowledged', ackAfter: 6 }]);
    const view = await dashboard(await signIn(s, D.official), `facility=${D.id}`);
    expect(rowOf(table(view, 'ack'), `Planta ${D.id}`)).toMatchObject({ 'A tiempo': 5, Tarde: 0, 'Plazo (días)': '7', 'A tiempo (%)': '100%' });
    expect(rowOf(table(view, 'close'), `Planta ${D.id}`)).toMatchObject({ 'En plazo': 5, 'Plazo (días)': '90' });
  });

  it('should hide a median taken over fewer than 5 cases, and the share when its counts are hidden', async () => {
    const E = await makeFacility(s);
    await insertReports(s, [
      { facilityId: E.id, ago: 20, times: 3, status: 'resolved', ackAfter: 1, closedAfter: 4 },
      { facilityId: E.id, ago: 20, times: 6, status: 'acknowledged', ackAfter: 2 },
    ]);
    const view = await dashboard(await signIn(s, E.official), `facility=${E.id}`);
    const close = rowOf(table(view, 'close'), `Planta ${E.id}`);
    expect(close['A tiempo']).toBe('<5');
    expect(close['Mediana de días para cerrar']).toBe('—');
    expect(close['A tiempo (%)']).toBe('—');
    const ack = rowOf(table(view, 'ack'), `Planta ${E.id}`);
    expect(ack['Mediana de días para el acuse']).toBe('2');
  });
});

describe('figures up to yesterday', () => {
  it("should leave today's reports out of the dashboard (the counters hold them; the page shows them tomorrow)", async () => {
    const Z = await makeFacility(s);
    await insertReports(s, [
      { facilityId: Z.id, ago: 0, times: 9, sendTo: 'both' },
      { facilityId: Z.id, ago: 1, times: 6, sendTo: 'both' },
    ]);
    const counted = await env.DB.prepare('SELECT sum(n) AS n FROM trend_reports WHERE facility_id = ?1').bind(Z.id).first<{ n: number }>();
    expect(counted!.n).toBe(15);
    const view = await dashboard(await signIn(s, Z.official), `facility=${Z.id}`);
    expect(rowOf(table(view, 'facilities'), `Planta ${Z.id}`)).toMatchObject({ 'Empresa y autoridad': 6, Total: 6 });
    expect(rowOf(table(view, 'ack'), `Planta ${Z.id}`)).toMatchObject({ 'En plazo': 6, Total: 6 });
    expect(rowOf(table(view, 'never_opened'), `Planta ${Z.id}`)).toMatchObject({ Total: 6 });
    expect(rowOf(table(view, 'categories'), 'TOTAL').Total).toBe(6);
  });
});

describe('spike alert', () => {
  it('should flag a week with at least 5 reports and at least 3× the mean of the 8 weeks before, and show no count', async () => {
    const [q, r, sNew, t] = await Promise.all([makeFacility(s), makeFacility(s), makeFacility(s), makeFacility(s)]);
    const thisWeek = mondayOf(today());
    /** Days ago of the Monday n weeks back: every fixture lands inside its ISO week. */
    const weeksAgo = (n: number) => Math.round((Date.parse(today()) - Date.parse(addDays(thisWeek, -7 * n))) / 86_400_000);
    const weekly = (facilityId: string, counts: Record<number, number>) => Object.entries(counts).map(([back, times]) => ({ facilityId, ago: weeksAgo(Number(back)), times }));
    const range = (from: number, to: number, n: number) => Object.fromEntries(Array.from({ length: from - to + 1 }, (_, i) => [to + i, n]));
    await insertReports(s, [
      // Q: one a week for 8 weeks, then 5 (at least 5, and 3 × 1): a spike; then 4 (under 5): none.
      ...weekly(q.id, { ...range(11, 4, 1), 3: 5, 2: 4 }),
      // R: four a week, then 10 (under 3 × 4): none.
      ...weekly(r.id, { ...range(11, 4, 4), 3: 10 }),
      // A quiet plant that suddenly gets 6: a spike.
      ...weekly(sNew.id, { 2: 6 }),
      // T: twelve a week since long before the range: steady, never a spike.
      ...weekly(t.id, range(22, 1, 12)),
    ]);
    const view = await dashboard(await signIn(s, await makeOfficial(s, null)));
    const mine = new Set([q, r, sNew, t].map((f) => `Planta ${f.id}`));
    // Weeks read as the day they start (Spanish by default), never as ISO codes.
    const label = (n: number) => `semana del ${dayLabel(addDays(thisWeek, -7 * n), 'es')}`;
    expect(view.spikes.filter((x) => mine.has(x.facility))).toEqual(
      [
        { facility: `Planta ${q.id}`, week: label(3) },
        { facility: `Planta ${sNew.id}`, week: label(2) },
      ].sort((a, b) => (a.facility < b.facility ? -1 : 1)),
    );
    expect(JSON.stringify(view.spikes)).not.toMatch(/"n"|:\d/);
  });
});
