/**
 * @module The links of the audit log's hash chain (src/storage/audit.ts keeps the rows).
 *
 * hash(n) = hex BLAKE2b-256 (crypto_generichash) of hash(n-1) ‖ "\n" ‖ canonical(entry n), with
 * 64 zeros before the first entry. Changing, removing or reordering any row breaks every later link.
 * Server and CLI only: imported by path, not through ./index, so no page bundle carries it.
 */
import { utf8 } from './encoding';
import type { Sodium } from './sodium';

/** The link before the first entry. */
export const GENESIS = '0'.repeat(64);

/** One reader's action on a case, as chained. */
export interface AuditEntry {
  day: string;
  actor: string;
  role: string;
  action: string;
  reportId: string | null;
  outcome: 'ok' | 'denied';
  detail: string | null;
}

const canonical = (seq: number, e: AuditEntry) => JSON.stringify([seq, e.day, e.actor, e.role, e.action, e.reportId, e.outcome, e.detail]);

/** The hash of entry number `seq` following `prevHash` (crypto_generichash, BLAKE2b-256, hex). */
export function auditHash(s: Sodium, prevHash: string, seq: number, e: AuditEntry): string {
  return s.to_hex(s.crypto_generichash(32, utf8(`${prevHash}\n${canonical(seq, e)}`), null));
}
