/**
 * The audit chain's single writer under load: many console actions at once, every entry appended
 * once, in one unbroken chain, with no retries and no 503.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { recordAudit, verifyAuditChain } from '../../src/storage/audit';
import { api, releasedCase } from './console-helpers';
import { sodium } from './helpers';

describe('audit chain writer', () => {
  it('should append 200 concurrent entries once each, in one intact chain', async () => {
    const s = await sodium();
    const before = (await env.DB.prepare('SELECT count(*) AS n FROM audit_log').first<{ n: number }>())!.n;
    const entries = Array.from({ length: 200 }, (_, i) => ({ day: '2026-12-01', actor: `k${i}`, role: 'monitor', action: 'view', reportId: null, outcome: 'ok' as const, detail: String(i) }));
    await Promise.all(entries.map((e) => recordAudit(env, [e])));
    const { results } = await env.DB.prepare('SELECT detail FROM audit_log WHERE seq > ?1').bind(before).all<{ detail: string }>();
    expect(results.map((r) => Number(r.detail)).sort((a, b) => a - b)).toEqual(entries.map((_, i) => i));
    expect(await verifyAuditChain(env.DB, s)).toMatchObject({ ok: true, entries: before + 200 });
  });

  it('should answer 200 concurrent console actions without a 503, each audited', async () => {
    const s = await sodium();
    const { body, token } = await releasedCase(s);
    const views = () => env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE report_id = ?1 AND action = 'view'").bind(body.reportId).first<{ n: number }>();
    const statuses = await Promise.all(Array.from({ length: 200 }, () => api(`/console/api/cases/${body.reportId}`, { token }).then((r) => r.status)));
    expect(statuses.filter((x) => x !== 200)).toEqual([]);
    expect((await views())!.n).toBe(200);
    expect((await verifyAuditChain(env.DB, s)).ok).toBe(true);
  });
});
