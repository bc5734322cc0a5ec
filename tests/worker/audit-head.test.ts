/**
 * The audit chain anchored outside the database: the transparency page publishes the chain's
 * head for yesterday, and a chain rewritten afterwards, however consistently (every hash
 * recomputed), no longer holds it.
 */
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/case';
import { mexicoDay } from '../../src/lib/clock';
import { auditHash, GENESIS, type AuditEntry } from '../../src/crypto/audit-hash';
import { appendAudit, auditHeadAt, checkPublishedHeads, verifyAuditChain } from '../../src/storage/audit';
import { sodium } from './helpers';

/** What someone with write access to D1 can do: change one entry and recompute every later link. */
async function rewriteFrom(seq: number, change: Partial<AuditEntry>) {
  const s = await sodium();
  const { results } = await env.DB.prepare('SELECT * FROM audit_log ORDER BY seq').all<Record<string, any>>();
  let prev = GENESIS;
  const statements = [];
  for (const r of results) {
    const e: AuditEntry = { day: r.day, actor: r.actor, role: r.role, action: r.action, reportId: r.report_id, outcome: r.outcome, detail: r.detail, ...(r.seq === seq ? change : {}) };
    const hash = auditHash(s, prev, r.seq, e);
    statements.push(env.DB.prepare('UPDATE audit_log SET day = ?2, detail = ?3, prev_hash = ?4, hash = ?5 WHERE seq = ?1').bind(r.seq, e.day, e.detail, prev, hash));
    prev = hash;
  }
  await env.DB.batch(statements);
}

describe('published audit heads', () => {
  it('should say in words that nothing is recorded yet, instead of a head of 64 zeros', async () => {
    // This file's D1 starts empty: no reader has done anything yet.
    expect((await auditHeadAt(env.DB, addDays(mexicoDay(), -1))).entries).toBe(0);
    for (const [query, words] of [['', 'no hay nada anotado en el registro'], ['?lang=en', 'nothing is written in the record']] as const) {
      const html = await (await SELF.fetch(`https://buzon.test/transparencia${query}`)).text();
      expect(html).not.toContain(GENESIS);
      expect(html).not.toContain('id="audit-head"');
      expect(/<p class="audit-head" id="audit-empty">([^<]*)<\/p>/.exec(html)?.[1]).toContain(words);
    }
  });

  it('should publish yesterday\'s head on the public page, and catch a consistent rewrite, naming the first day that differs', async () => {
    const s = await sodium();
    const yesterday = addDays(mexicoDay(), -1);
    const before = addDays(yesterday, -1);
    const entry = (day: string, detail: string): AuditEntry => ({ day, actor: 'k1', role: 'monitor', action: 'triage', reportId: null, outcome: 'ok', detail });
    await appendAudit(env.DB, s, [entry(before, 'a'), entry(before, 'b')]);
    await appendAudit(env.DB, s, [entry(yesterday, 'c'), entry(yesterday, 'd')]);
    await appendAudit(env.DB, s, [entry(mexicoDay(), 'today')]); // not yet part of any published head

    const html = await (await SELF.fetch('https://buzon.test/transparencia')).text();
    const shown = /<code id="audit-head">([0-9a-f]{64})@(\d{4}-\d{2}-\d{2})<\/code>/.exec(html);
    expect(shown?.[2]).toBe(yesterday);
    expect(shown?.[1]).toBe((await auditHeadAt(env.DB, yesterday)).hash);
    const published = [
      { day: before, hash: (await auditHeadAt(env.DB, before)).hash },
      { day: yesterday, hash: shown![1]! },
    ];
    expect(await checkPublishedHeads(env.DB, published)).toEqual({ ok: true, checked: 2 });

    // Yesterday's third entry rewritten, every later hash recomputed: the chain itself still verifies…
    await rewriteFrom(3, { detail: 'c (rewritten)' });
    expect((await verifyAuditChain(env.DB, s)).ok).toBe(true);
    // … but it no longer holds yesterday's published head; the day before still holds.
    expect(await checkPublishedHeads(env.DB, published)).toMatchObject({ ok: false, day: yesterday, published: shown![1] });

    // A rewrite further back is named by its own, earlier day.
    await rewriteFrom(1, { detail: 'a (rewritten)' });
    expect(await checkPublishedHeads(env.DB, published)).toMatchObject({ ok: false, day: before });
  });
});
