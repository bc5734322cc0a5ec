/**
 * A paid first submission is stored in one D1 write, after one read (is its nonce spent, what does
 * the plant's work cost now: tests/worker/paid-once.test.ts): the lookups the full path reads first are
 * checked inside the write's own batch (src/storage/intake-guard.ts). The guard must refuse exactly
 * what the full path refuses, write nothing when it does, and leave no guard row behind.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { buildSubmission, makeFacility, post, sampleReport, sodium, storedTrace } from './helpers';

/** The real D1 binding, counting the round trips the Worker makes through it. */
function countingDb(db: D1Database) {
  const trips = { n: 0 };
  const watch = (st: D1PreparedStatement): D1PreparedStatement => {
    const bind = st.bind.bind(st);
    st.bind = (...values: unknown[]) => watch(bind(...values));
    for (const name of ['first', 'all', 'run', 'raw'] as const) {
      const call = (st[name] as (...a: unknown[]) => unknown).bind(st);
      (st as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => (trips.n++, call(...a));
    }
    return st;
  };
  const counted = Object.create(db) as D1Database;
  counted.prepare = (sql: string) => watch(db.prepare(sql));
  counted.batch = ((statements: D1PreparedStatement[]) => (trips.n++, db.batch(statements))) as D1Database['batch'];
  return { db: counted, trips };
}

async function submit(body: unknown) {
  const { db, trips } = countingDb(env.DB);
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request('https://buzon.test/api/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    { ...env, DB: db } as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { res, trips: trips.n };
}

const guardRows = async () => (await env.DB.prepare('SELECT count(*) AS n FROM intake_guard').first<{ n: number }>())!.n;

describe('one round trip for a first report', () => {
  it('should store a paid first submission in a single D1 batch, its checks inside it, and answer its retry from the full path', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const sub = await buildSubmission(s, f);
    const first = await submit(sub.body);
    expect(first.res.status).toBe(201);
    expect(first.trips).toBe(1);
    expect(await storedTrace(sub.body.reportId)).toMatchObject({ reports: 1, keys: 3, blob: 1 });
    const retry = await submit(sub.body);
    expect(retry.res.status).toBe(200);
    expect(((await retry.res.json()) as { duplicate: boolean }).duplicate).toBe(true);
    expect(retry.trips).toBeGreaterThan(1);
    expect(await guardRows()).toBe(0);
  });

  it('should refuse, writing nothing, a report sealed to a key retired after the form loaded', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const sub = await buildSubmission(s, f, sampleReport(f.id, 'monitor'));
    await env.DB.prepare("UPDATE recipients SET status = 'retired' WHERE key_id = ?1").bind(f.monitor.keyId).run();
    const res = await post(sub.body);
    expect(res.status).toBe(422);
    expect(await storedTrace(sub.body.reportId)).toEqual({ reports: 0, categories: 0, keys: 0, blob: 0 });
    expect(await guardRows()).toBe(0);
  });

  it('should refuse a report missing a reader the worker chose, or sealed to one more, or to a reader of another plant', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const other = await makeFacility(s);
    const both = await buildSubmission(s, f, sampleReport(f.id, 'both'));
    const keys = both.body.envelope.keys as Array<{ keyId: string; sealed: string }>;
    const withoutOfficial = { ...both.body, envelope: { ...both.body.envelope, keys: keys.filter((k) => k.keyId !== f.official!.keyId) } };
    const onlyMonitor = await buildSubmission(s, f, sampleReport(f.id, 'monitor'));
    const extra = { ...onlyMonitor.body, envelope: { ...onlyMonitor.body.envelope, keys: [...onlyMonitor.body.envelope.keys, keys.find((k) => k.keyId === f.official!.keyId)] } };
    const swapped = {
      ...onlyMonitor.body,
      envelope: { ...onlyMonitor.body.envelope, keys: onlyMonitor.body.envelope.keys.map((k: { keyId: string; sealed: string }) => (k.keyId === f.monitor.keyId ? { ...k, keyId: other.monitor.keyId } : k)) },
    };
    for (const body of [withoutOfficial, extra, swapped] as Array<Record<string, any>>) {
      const res = await post(body);
      expect(res.status).toBe(422);
      expect(await storedTrace(body.reportId)).toEqual({ reports: 0, categories: 0, keys: 0, blob: 0 });
    }
    expect(await guardRows()).toBe(0);
  });

  it('should refuse a challenge that already paid another report\'s evidence, and a mailbox id in use, writing nothing', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const a = await buildSubmission(s, f);
    expect((await post(a.body)).status).toBe(201);
    const b = await buildSubmission(s, f);
    expect((await post({ ...b.body, mailbox: a.body.mailbox })).status).toBe(409);
    // The token's nonce is its second field: as if it had paid evidence chunks for another report.
    const nonce = (b.body.pow.challenge as string).split('.')[1];
    await env.DB.prepare("INSERT INTO upload_claims (nonce, report_id, expires_day) VALUES (?1, ?2, '2099-01-01')").bind(nonce, '0'.repeat(32)).run();
    expect((await post(b.body)).status).toBe(409);
    expect(await storedTrace(b.body.reportId)).toEqual({ reports: 0, categories: 0, keys: 0, blob: 0 });
    expect(await guardRows()).toBe(0);
  });
});
