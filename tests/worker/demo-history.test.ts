/**
 * The demo history (`npm run seed:demo -- --history`, scripts/lib/demo-history.ts) as the figures
 * see it: written through the storage code into real D1, every report released on a past day with
 * no time of day, its counters exactly what a recount of the reports gives, its thread signed by
 * the demo monitor, and a dashboard with numbers across several plants, states and sectors.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { recipientKeysFromSeed, toB64 } from '../../src/crypto';
import { addDays } from '../../src/domain/case';
import { mexicoDay } from '../../src/lib/clock';
import { GENESIS } from '../../src/crypto/audit-hash';
import { auditHeadAt, verifyAuditChain } from '../../src/storage/audit';
import { RECOUNT_CATEGORIES, RECOUNT_REPORTS } from '../../src/trends/counters';
import { buildDashboard } from '../../src/trends/dashboard';
import { trendsSnapshot } from '../../src/trends/snapshot';
import { mondayOf } from '../../src/trends/weeks';
import { translator } from '../../src/i18n';
import { HISTORY_PLANTS, hasHistory, writeHistory } from '../../scripts/lib/demo-history';
import { signReaderLists, sodium } from './helpers';

describe("demo history for the officials' figures", () => {
  it('should write released, day-only history through the storage code, and give the dashboard and the public page numbers', async () => {
    const s = await sodium();
    const monitor = recipientKeysFromSeed(s, s.randombytes_buf(32));
    await env.DB.batch([
      ...HISTORY_PLANTS.map((p) =>
        env.DB.prepare(`INSERT INTO facilities (id, name, short_code, email_local, state, municipality, sector) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`).bind(
          p.id,
          p.name,
          p.shortCode,
          p.emailLocal,
          p.state,
          p.municipality,
          p.sector,
        ),
      ),
      env.DB.prepare(
        `INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem) VALUES (?1, 'monitor', 'Demo monitor', ?2, ?3, 'c2FsdA', 2, 67108864)`,
      ).bind(monitor.keyId, toB64(s, monitor.box.publicKey), toB64(s, monitor.sign.publicKey)),
      ...HISTORY_PLANTS.map((p) => env.DB.prepare('INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, ?2)').bind(monitor.keyId, p.id)),
    ]);
    await signReaderLists(
      s,
      HISTORY_PLANTS.map((p) => p.id),
    );
    expect(await hasHistory(env.DB)).toBe(false);
    const today = mexicoDay();
    const { reports, replies } = await writeHistory(s, { DB: env.DB, BLOBS: env.BLOBS, STATE: env.STATE, RELEASE_HOURS: env.RELEASE_HOURS }, monitor, today);
    expect(reports).toBeGreaterThan(150);
    expect(replies).toBeGreaterThan(100);
    expect(await hasHistory(env.DB)).toBe(true);

    // Released on past days, in release batches; nothing of today; no time of day anywhere.
    const rows = (
      await env.DB.prepare('SELECT received_day, release_at, facility_id FROM reports').all<{ received_day: string; release_at: string; facility_id: string }>()
    ).results;
    expect(rows).toHaveLength(reports);
    for (const r of rows) {
      expect(r.received_day < today).toBe(true);
      expect(r.release_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}$/);
      expect(r.release_at.slice(0, 10)).toBe(r.received_day);
    }
    expect(rows.map((r) => r.received_day).sort()[0]! <= addDays(today, -90)).toBe(true);
    const messageDays = (
      await env.DB.prepare('SELECT m.day, m.release_at, r.received_day FROM messages m JOIN reports r ON r.id = m.report_id').all<{
        day: string;
        release_at: string;
        received_day: string;
      }>()
    ).results;
    for (const m of messageDays) expect(m.day >= m.received_day && m.day < today && /^\d{4}-\d{2}-\d{2}T\d{2}$/.test(m.release_at)).toBe(true);

    // The counters are exactly what the reports say (the storage code kept them, as for real reports).
    const stored = (sql: string) =>
      env.DB.prepare(sql)
        .all()
        .then((r) => r.results.map((x) => JSON.stringify(x)).sort());
    expect(await stored('SELECT facility_id, week, status, send_to, channel, n, k FROM trend_reports WHERE n > 0')).toEqual(await stored(RECOUNT_REPORTS));
    expect(await stored('SELECT facility_id, week, category, send_to, channel, n, k FROM trend_categories WHERE n > 0')).toEqual(
      await stored(RECOUNT_CATEGORIES),
    );

    // The audit chain holds the readers' actions, and the public page can publish a real head.
    expect((await verifyAuditChain(env.DB, s)).ok).toBe(true);
    expect((await auditHeadAt(env.DB, addDays(today, -1))).hash).not.toBe(GENESIS);

    // Several plants, states and sectors with numbers on the dashboard; the quiet one shows "<5".
    const view = buildDashboard(
      await trendsSnapshot(env, today),
      { scopeState: null },
      { from: addDays(mondayOf(today), -7 * 12), to: mondayOf(today) },
      translator('es'),
      'es',
    );
    const byPlant = view.tables.find((t) => t.id === 'facilities')!;
    const totals = new Map(byPlant.rows.map((r) => [r.label, r.total]));
    for (const p of HISTORY_PLANTS.filter((p) => p.perWeek >= 4)) expect(totals.get(p.name), p.name).toBeGreaterThanOrEqual(20);
    expect(new Set(HISTORY_PLANTS.map((p) => p.state)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(HISTORY_PLANTS.map((p) => p.sector)).size).toBeGreaterThanOrEqual(3);
    expect(view.tables.flatMap((t) => t.rows.flatMap((r) => r.cells))).toContain('<5');
    const page = await (await SELF.fetch('https://buzon.test/transparencia')).text();
    expect(page).toContain('Planta Demo León');
    expect(page).toContain('id="audit-head"');
  }, 900_000); // ~300 reports written one by one, on a machine shared with other test runs
});
