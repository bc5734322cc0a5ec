/**
 * The routes serve what the view functions build from the day's snapshot, with real record keys:
 * the dashboard and its CSV are exactly buildDashboard over trendsSnapshot (the functions the
 * cross-view attacker in tests/node/cellkey-attacker.test.ts attacks), each count adjusted by its
 * cell key; the public page likewise. And the snapshot is what requests read, all day long.
 */
import { createScheduledController, env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sodium } from '../../src/crypto';
import { addDays } from '../../src/domain/case';
import { translator } from '../../src/i18n';
import { mexicoDay } from '../../src/lib/clock';
import worker from '../../src/index';
import { adjustment, KEY_MODULUS, perturb } from '../../src/trends/cellkey';
import { rebuildTrendCounters } from '../../src/trends/counters';
import { buildDashboard } from '../../src/trends/dashboard';
import { forgetSnapshots, publicSnapshotKey, trendsSnapshot, trendsSnapshotKey } from '../../src/trends/snapshot';
import { mondayOf } from '../../src/trends/weeks';
import { makeOfficial, signIn } from './console-helpers';
import { makeFacility, sodium, type TestFacility } from './helpers';
import { dashboard, forgetTrendsSnapshot, insertReports, rowOf, table, today } from './trends-helpers';

let s: Sodium;
let P: TestFacility;
let token: string;
let ids: string[];

/** The last key of the table: the largest downward adjustment. */
const LAST_KEY = KEY_MODULUS - 1;

beforeAll(async () => {
  s = await sodium();
  P = await makeFacility(s);
  ids = await insertReports(s, [{ facilityId: P.id, ago: 2, times: 12, sendTo: 'both' }]);
  // Real keys, as the write path gives them; one chosen so that the plant's cell key is LAST_KEY.
  await env.DB.batch(ids.map((id, i) => env.DB.prepare('UPDATE reports SET record_key = ?2 WHERE id = ?1').bind(id, i === 0 ? LAST_KEY : 0)));
  await rebuildTrendCounters(env.DB);
  await forgetTrendsSnapshot();
  token = await signIn(s, P.official);
});

describe('views from the snapshot', () => {
  it('should adjust each count by its cell key: twelve reports whose keys add up to the last key show as 7', async () => {
    expect(adjustment(LAST_KEY)).toBe(-5);
    const view = await dashboard(token, `facility=${P.id}`);
    expect(rowOf(table(view, 'facilities'), `Planta ${P.id}`)).toMatchObject({ 'Empresa y autoridad': 7, Total: 7 });
    expect(perturb({ n: 12, k: LAST_KEY })).toBe(7);
  });

  it('should serve exactly what buildDashboard makes of the day\'s snapshot, on screen and in the CSV', async () => {
    const national = await signIn(s, await makeOfficial(s, null));
    const to = mondayOf(today());
    const range = { from: addDays(to, -7 * 12), to };
    const expected = buildDashboard(await trendsSnapshot(env, mexicoDay()), { scopeState: null, facility: P.id }, range, translator('es'));
    expect(await dashboard(national, `facility=${P.id}`)).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('should read the snapshot all day: reports written after it change nothing until tomorrow', async () => {
    const before = await dashboard(token, `facility=${P.id}`);
    expect(await env.STATE.get(trendsSnapshotKey(mexicoDay()), 'arrayBuffer')).not.toBeNull();
    // Written straight to D1 (no snapshot dropped): as if released after the snapshot was taken.
    await env.DB.prepare(
      `INSERT INTO reports (id, facility_id, channel, send_to, received_day, status, mailbox_id, mailbox_box_pk, mailbox_sign_pk, body_key, body_digest)
       VALUES ('late-one', ?1, 'web', 'both', ?2, 'new', 'late-one', 'pk', 'pk', 'none', 'digest')`,
    )
      .bind(P.id, addDays(today(), -1))
      .run();
    await rebuildTrendCounters(env.DB);
    expect(await dashboard(token, `facility=${P.id}`)).toEqual(before);
    await forgetTrendsSnapshot();
    expect(await dashboard(token, `facility=${P.id}`)).not.toEqual(before);
  });

  it('should give a report written without a key (a bulk load) a random one', async () => {
    const row = await env.DB.prepare("SELECT record_key AS k FROM reports WHERE id = 'late-one'").first<{ k: number | null }>();
    expect(row!.k).not.toBeNull();
  });

  it('should compute both snapshots in the daily job', async () => {
    await forgetSnapshots(env.STATE, mexicoDay());
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '0 12 * * *' }), env as never);
    expect(await env.STATE.get(trendsSnapshotKey(mexicoDay()), 'arrayBuffer')).not.toBeNull();
    expect(await env.STATE.get(publicSnapshotKey(mexicoDay()))).not.toBeNull();
    expect((await SELF.fetch('https://buzon.test/transparencia')).status).toBe(200);
  });
});
