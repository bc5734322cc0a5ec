/**
 * @module Audit entries written by an admin command (a handover), into the same hash chain the
 * Worker's AuditChain object writes (src/storage/audit.ts), through a D1 target (local or remote).
 * A racing writer takes the next sequence number first: the insert then fails on it and is retried.
 */
import { auditHash, GENESIS, type AuditEntry } from '../../src/crypto/audit-hash';
import { AUDIT_INSERT_SQL, AUDIT_LAST_SQL } from '../../src/storage/audit';
import type { Sodium } from '../../src/crypto';
import type { D1Target } from './d1-target';

export async function appendAuditTo(target: D1Target, s: Sodium, entries: AuditEntry[]): Promise<void> {
  for (let attempt = 0; entries.length; attempt++) {
    const [last] = await target.query<{ seq: number; hash: string }>(AUDIT_LAST_SQL);
    let seq = last?.seq ?? 0;
    let prev = last?.hash ?? GENESIS;
    const statements = entries.map((e) => {
      seq += 1;
      const hash = auditHash(s, prev, seq, e);
      const params = [seq, e.day, e.actor, e.role, e.action, e.reportId, e.outcome, e.detail, prev, hash];
      prev = hash;
      return { sql: AUDIT_INSERT_SQL, params };
    });
    try {
      await target.run(statements);
      return;
    } catch (error) {
      if (attempt >= 12) throw error;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }
}
