/**
 * Release batches against the company's monitor polling the console: a report exists for no
 * reader before its release hour, and once released nothing a reader can fetch tells which of
 * two reports of one batch arrived first.
 */
import { SELF, env } from 'cloudflare:test';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkWork, type Sodium } from '../../src/crypto';
import { releaseClock } from '../../src/lib/clock';
import { dueDigests } from '../../src/storage/digests';
import { forgetSnapshots } from '../../src/trends/snapshot';
import { rebuildTrendCounters } from '../../src/trends/counters';
import { mexicoDay } from '../../src/lib/clock';
import { api, signIn } from './console-helpers';
import { buildSubmission, challenge, makeFacility, post, sampleReport, sodium, type TestFacility } from './helpers';

/** Mexico City is UTC-6 all year. Release hours are 07:00 and 15:00 (wrangler.toml). */
const at = (iso: string, minutes = 0) => new Date(Date.parse(iso) + minutes * 60_000);
const WINDOWS = {
  // 30 March 15:00 → 31 March 07:00 (Mexico City) is released at 07:00 on the 31st.
  morning: { opens: '2026-03-30T21:00:00Z', minutes: 16 * 60, release: '2026-03-31T13:00:00Z' },
  // 31 March 07:00 → 15:00 is released at 15:00.
  afternoon: { opens: '2026-03-31T13:00:00Z', minutes: 8 * 60, release: '2026-03-31T21:00:00Z' },
} as const;
/** Two days later, the month complete: every view (trends stop at yesterday, the public page at the last whole month) includes the batch. */
const READ_AT = '2026-04-02T16:00:00Z';

const setClock = (d: Date) => vi.setSystemTime(d);
afterEach(() => vi.useRealTimers());

type Built = Awaited<ReturnType<typeof buildSubmission>>['body'];

/** Posts a built report at the clock's current time, with fresh work (a challenge lives two hours). */
async function postNow(s: Sodium, body: Built) {
  const c = await challenge(body.facility);
  let counter = 0;
  while (!checkWork(s, c.challenge, body.reportId, counter, c.bits)) counter++;
  const res = await post({ ...body, pow: { challenge: c.challenge, counter } });
  expect(res.status).toBe(201);
}

/** Sets the facility's record keys to 0 and recounts (no adjustment: true counts), dropping the day's dashboard snapshot. */
async function zeroRecordKeys(f: TestFacility) {
  await env.DB.prepare('UPDATE reports SET record_key = 0 WHERE facility_id = ?1').bind(f.id).run();
  await rebuildTrendCounters(env.DB);
  await forgetSnapshots(env.STATE, mexicoDay());
}

/** Everything a reader can fetch about the facility, as text. */
async function readerViews(s: Sodium, f: TestFacility, ids: string[]) {
  const monitor = await signIn(s, f.monitor);
  const official = await signIn(s, f.official);
  const text = async (path: string, token: string, body?: unknown) => {
    const res = await api(path, { token, body });
    return `${res.status} ${res.headers.get('content-type')} ${await res.text()}`;
  };
  const views: Record<string, string> = {};
  // Each report gets a random record key, so the two orders would show the figures with different
  // adjustments (src/trends/cellkey.ts): the same keys for both, so only the order differs.
  await zeroRecordKeys(f);
  // Figures first: opening a case below is an audited view, which the oversight figures count.
  views.trends = await text(`/console/api/trends?facility=${f.id}`, official);
  views.trendsState = await text(`/console/api/trends?state=${encodeURIComponent(f.state)}`, official);
  views.csv = await text(`/console/api/trends/export.csv?facility=${f.id}`, official);
  await forgetSnapshots(env.STATE, '2026-04-02'); // computed afresh for each order, not served from the first
  views.publicPage = await (await SELF.fetch('https://buzon.test/transparencia')).text();
  views.digest = JSON.stringify((await dueDigests(env.DB, '2026-04-02', releaseClock(env.RELEASE_HOURS).last)).filter((d) => d.keyId === f.monitor.keyId).map((d) => [d.count, d.answers]));
  for (const [who, token] of [['monitor', monitor], ['official', official]] as const) {
    views[`${who}List`] = await text('/console/api/cases?limit=200', token);
    views[`${who}New`] = await text('/console/api/cases?status=new&category=intimidation', token);
    views[`${who}Bodies`] = await text('/console/api/bodies', token, { ids: [...ids].sort() });
    for (const id of [...ids].sort()) views[`${who}Case-${id}`] = await text(`/console/api/cases/${id}`, token);
  }
  return views;
}

/** Forgets the two reports (and their trace in figures and audit) so the other order starts from the same state. */
async function forget(f: TestFacility, ids: string[]) {
  const inIds = `(${ids.map((id) => `'${id}'`).join(',')})`;
  await env.DB.batch([
    ...['report_categories', 'wrapped_keys', 'attachments', 'messages', 'report_tags', 'triage_events', 'report_answers', 'case_reads'].map((t) =>
      env.DB.prepare(`DELETE FROM ${t} WHERE report_id IN ${inIds}`),
    ),
    env.DB.prepare(`DELETE FROM audit_log WHERE report_id IN ${inIds}`),
    ...ids.map((id) => env.DB.prepare("DELETE FROM sealed_bodies WHERE key LIKE 'report/' || ?1 || '/%'").bind(id)),
    env.DB.prepare(`DELETE FROM reports WHERE id IN ${inIds}`),
    env.DB.prepare('DELETE FROM trend_reports WHERE facility_id = ?1').bind(f.id),
    env.DB.prepare('DELETE FROM trend_categories WHERE facility_id = ?1').bind(f.id),
  ]);
}

describe('release batches', () => {
  it('should keep a report out of every reader view, counts included, until its release hour', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const s = await sodium();
    setClock(at(WINDOWS.morning.opens, 60)); // 16:00 in Mexico City
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    await postNow(s, body);
    // Polling all night long (signing in again as sessions end): one minute before the release it still does not exist.
    for (const minutes of [1, 60, 8 * 60, 15 * 60 + 59]) {
      setClock(at(WINDOWS.morning.opens, minutes));
      for (const token of [await signIn(s, f.monitor), await signIn(s, f.official)]) {
        const list = (await (await api('/console/api/cases?limit=200', { token })).json()) as { cases: unknown[]; total: number };
        expect(list).toMatchObject({ cases: [], total: 0 });
        const hidden = await api(`/console/api/cases/${body.reportId}`, { token });
        const never = await api(`/console/api/cases/${s.to_hex(s.randombytes_buf(16))}`, { token });
        expect(hidden.status).toBe(404);
        expect(await hidden.text()).toBe(await never.text());
        expect((await api('/console/api/bodies', { token, body: { ids: [body.reportId] } })).status).toBe(403);
      }
    }
    // Still nothing at 07:04 (a batch reaches readers 5 minutes after its hour, once every report of it has committed) …
    setClock(at(WINDOWS.morning.release, 4));
    const early = (await (await api('/console/api/cases?limit=200', { token: await signIn(s, f.monitor) })).json()) as { total: number };
    expect(early.total).toBe(0);
    // … and at 07:06 it is there, dated by its release day, not by the evening it arrived.
    setClock(at(WINDOWS.morning.release, 6));
    const monitor = await signIn(s, f.monitor);
    const list = (await (await api('/console/api/cases?limit=200', { token: monitor })).json()) as { cases: Array<{ id: string; receivedDay: string }>; total: number };
    expect(list.total).toBe(1);
    expect(list.cases[0]).toMatchObject({ id: body.reportId, receivedDay: '2026-03-31' });
    expect((await api(`/console/api/cases/${body.reportId}`, { token: monitor })).status).toBe(200);
  });

  it('should not move the officials\' dashboard or CSV when a report arrives in the evening', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const s = await sodium();
    setClock(new Date('2026-03-30T16:00:00Z')); // Monday 10:00: released at 15:00
    const f = await makeFacility(s);
    // Six, so the week's counts are shown as numbers, not "<5" (which would hide a change anyway).
    for (let i = 0; i < 6; i++) await postNow(s, (await buildSubmission(s, f)).body);
    setClock(new Date('2026-03-31T22:00:00Z')); // Tuesday 16:00
    await zeroRecordKeys(f); // so the six show as 6
    const official = await signIn(s, f.official);
    const views = async () =>
      Promise.all([`/console/api/trends?facility=${f.id}`, `/console/api/trends/export.csv?facility=${f.id}`, `/console/api/trends?state=${encodeURIComponent(f.state)}`].map(async (path) => (await api(path, { token: official })).text()));
    const before = await views();
    expect(before[1]).toMatch(/^30 de marzo de 2026,.*,6(,|$)/m); // the week of Monday March 30 (ISO 2026-W14)
    setClock(new Date('2026-03-31T22:30:00Z')); // 16:30: stamped for Wednesday 07:00, in the same week
    await postNow(s, (await buildSubmission(s, f)).body);
    setClock(new Date('2026-03-31T22:31:00Z'));
    expect(await views()).toEqual(before);
    setClock(new Date('2026-04-01T05:59:00Z')); // 23:59
    expect(await views()).toEqual(before);
  });

  it('should tell the worker when the report will be read', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const s = await sodium();
    const f = await makeFacility(s);
    setClock(at(WINDOWS.morning.opens, 30)); // 15:30: read tomorrow at 7
    const evening = await buildSubmission(s, f);
    const c1 = await challenge(f.id);
    let n = 0;
    while (!checkWork(s, c1.challenge, evening.body.reportId, n, c1.bits)) n++;
    const late = await (await post({ ...evening.body, pow: { challenge: c1.challenge, counter: n } })).json();
    expect(late).toMatchObject({ receivedDay: '2026-03-31', release: { at: '2026-03-31T07', day: '2026-03-31', hour: 7, relative: 'tomorrow' } });
    setClock(at(WINDOWS.afternoon.opens, 5)); // 07:05: read today at 15
    const morning = await buildSubmission(s, f);
    const c2 = await challenge(f.id);
    n = 0;
    while (!checkWork(s, c2.challenge, morning.body.reportId, n, c2.bits)) n++;
    const early = await (await post({ ...morning.body, pow: { challenge: c2.challenge, counter: n } })).json();
    expect(early).toMatchObject({ receivedDay: '2026-03-31', release: { at: '2026-03-31T15', hour: 15, relative: 'today' } });
  });

  it('should give every reader-facing answer byte for byte the same, whichever report of a batch arrived first', { timeout: 180_000 }, async () => {
    const s = await sodium();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('morning', 'afternoon'),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        async (which, a, b) => {
          const w = WINDOWS[which as keyof typeof WINDOWS];
          const first = a % w.minutes;
          const second = first === b % w.minutes ? (first + 1) % w.minutes : b % w.minutes;
          vi.useFakeTimers({ toFake: ['Date'] });
          try {
            setClock(at(w.opens));
            const f = await makeFacility(s);
            const one = (await buildSubmission(s, f, sampleReport(f.id, 'both', 'Nos amenazaron en la junta'))).body;
            const two = (await buildSubmission(s, f, { ...sampleReport(f.id, 'both', 'Nos quitaron el volante'), categories: ['intimidation'] })).body;
            const ids = [one.reportId as string, two.reportId as string];
            const world = async (earlier: Built, later: Built) => {
              setClock(at(w.opens, Math.min(first, second)));
              await postNow(s, earlier);
              setClock(at(w.opens, Math.max(first, second)));
              await postNow(s, later);
              setClock(new Date(READ_AT));
              return readerViews(s, f, ids);
            };
            const oneFirst = await world(one, two);
            await forget(f, ids);
            const twoFirst = await world(two, one);
            await forget(f, ids);
            const list = oneFirst.monitorList!;
            expect(JSON.parse(list.slice(list.indexOf('{'))).total).toBe(2);
            expect(oneFirst.csv).toContain('2026');
            for (const key of Object.keys(oneFirst)) expect(twoFirst[key], key).toBe(oneFirst[key]);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      // Always tried: one report the evening before, one in the small hours (either side of midnight).
      { numRuns: 6, examples: [['morning', 60, 15 * 60]] },
    );
  });
});
