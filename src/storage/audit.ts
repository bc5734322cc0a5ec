/**
 * @module The append-only, hash-chained audit log of readers' actions on cases: its rows in D1.
 * How each link is hashed is src/crypto/audit-hash.ts.
 */
import type { Sodium } from '../crypto';
import { auditHash, GENESIS, type AuditEntry } from '../crypto/audit-hash';

export type { AuditEntry };

/** The last link of the chain (the writers append after it). */
export const AUDIT_LAST_SQL = 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1';

/** One link; parameters ?1..?10 are seq, day, actor, role, action, report id, outcome, detail, prev_hash, hash. */
export const AUDIT_INSERT_SQL = `INSERT INTO audit_log (seq, day, actor, role, action, report_id, outcome, detail, prev_hash, hash)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`;

interface AuditRow {
  seq: number;
  day: string;
  actor: string;
  role: string;
  action: string;
  report_id: string | null;
  outcome: 'ok' | 'denied';
  detail: string | null;
  prev_hash: string;
  hash: string;
}

/** Appends entries in order, in one batch; retries if another writer took the next sequence number. */
export async function appendAudit(db: D1Database, s: Sodium, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  for (let attempt = 0; ; attempt++) {
    const last = await db.prepare(AUDIT_LAST_SQL).first<{ seq: number; hash: string }>();
    let seq = last?.seq ?? 0;
    let prev = last?.hash ?? GENESIS;
    const statements = entries.map((e) => {
      seq += 1;
      const hash = auditHash(s, prev, seq, e);
      const stmt = db.prepare(AUDIT_INSERT_SQL).bind(seq, e.day, e.actor, e.role, e.action, e.reportId, e.outcome, e.detail, prev, hash);
      prev = hash;
      return stmt;
    });
    try {
      await db.batch(statements);
      return;
    } catch (error) {
      if (attempt >= 12) throw error;
      // Another writer took the next number: wait a growing, random while so racers spread out.
      await new Promise((r) => setTimeout(r, (5 + s.randombytes_uniform(20)) * (attempt + 1)));
    }
  }
}

/**
 * The chain's head at the end of each given day: the hash of the last entry written on or before
 * it (GENESIS before the first). Published daily where the database holder cannot reach back (the
 * transparency page, the officials' digest), a head pins everything up to that day: rewriting any
 * of it, however consistently, changes the head (`npm run audit:verify -- --head <hash>@<day>`).
 */
export async function auditHeadAt(db: D1Database, day: string): Promise<{ day: string; hash: string; entries: number }> {
  const row = await db.prepare('SELECT seq, hash FROM audit_log WHERE day <= ?1 ORDER BY seq DESC LIMIT 1').bind(day).first<{ seq: number; hash: string }>();
  return { day, hash: row?.hash ?? GENESIS, entries: row?.seq ?? 0 };
}

export type HeadCheck = { ok: true; checked: number } | { ok: false; day: string; published: string; found: string };

/** Checks published heads against the chain; names the earliest day whose head the chain no longer has. */
export async function checkPublishedHeads(db: D1Database, heads: Array<{ day: string; hash: string }>): Promise<HeadCheck> {
  for (const h of [...heads].sort((a, b) => (a.day < b.day ? -1 : 1))) {
    const found = (await auditHeadAt(db, h.day)).hash;
    if (found !== h.hash) return { ok: false, day: h.day, published: h.hash, found };
  }
  return { ok: true, checked: heads.length };
}

export type ChainCheck = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; reason: string };

/** Walks the chain from the start; names the first entry whose link does not hold. */
export async function verifyAuditChain(db: D1Database, s: Sodium): Promise<ChainCheck> {
  const { results } = await db.prepare('SELECT * FROM audit_log ORDER BY seq').all<AuditRow>();
  let prev = GENESIS;
  let expectedSeq = 1;
  for (const r of results) {
    if (r.seq !== expectedSeq) return { ok: false, entries: results.length, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing` };
    if (r.prev_hash !== prev) return { ok: false, entries: results.length, brokenAt: r.seq, reason: 'does not follow the entry before it' };
    const entry: AuditEntry = { day: r.day, actor: r.actor, role: r.role, action: r.action, reportId: r.report_id, outcome: r.outcome, detail: r.detail };
    if (auditHash(s, prev, r.seq, entry) !== r.hash) return { ok: false, entries: results.length, brokenAt: r.seq, reason: 'its content was changed' };
    prev = r.hash;
    expectedSeq++;
  }
  return { ok: true, entries: results.length };
}

/**
 * What recordAudit needs of the AUDIT binding (a DurableObjectNamespace of src/audit-chain.ts), said
 * structurally: the admin scripts import this file in Node, without the generated Worker types.
 */
interface AuditBinding {
  AUDIT: { idFromName(name: string): unknown; get(id: never): { append(entries: AuditEntry[]): Promise<void> } };
}

/** Hands entries to the audit chain's single writer, which appends them in order. */
export async function recordAudit(env: AuditBinding, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await env.AUDIT.get(env.AUDIT.idFromName('chain') as never).append(entries);
}
