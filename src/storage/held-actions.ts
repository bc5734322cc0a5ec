/**
 * @module Worker actions held for a release (migrations/0022, 0028): a worker's erasure
 * (./erase-request.ts), widening to the authority (./referral.ts) and "keep" reach readers with a
 * release batch, never at the minute they were asked, since the company controls the plant's
 * network and a monitor polling the console would otherwise learn when the worker acted. Each is
 * stamped with the next release when asked; the release step (the half-hourly job, `npm run
 * release:now` locally) carries out everything stamped with a release that has passed.
 */
import type { AuditEntry } from './audit';
import { eraseRequestedBy } from './erase-request';
import { applyWidening, officialKeysOf, widenedBy } from './referral';

/** The worker keeps the case until `until` (src/routes/mailbox-keep.ts), from release `releaseAt`: a later day only, never an earlier one. */
export async function askKeep(db: D1Database, reportId: string, until: string, releaseAt: string): Promise<void> {
  await db
    .prepare(
      // Two asks before one release go together, with the later one's release: the earlier one shows no sooner than it would have.
      `UPDATE reports SET keep_asked = max(coalesce(keep_asked, ?2), ?2), keep_at = max(coalesce(keep_at, ?3), ?3)
        WHERE id = ?1 AND erased_day IS NULL`,
    )
    .bind(reportId, until, releaseAt)
    .run();
}

/** Statements for the local release step (src/storage/release.ts): held widenings and keeps waiting for a later release move to `upTo`. */
export const releaseWaitingWorkerActions = (db: D1Database, upTo: string) => [
  db.prepare('UPDATE reports SET widen_at = ?1 WHERE widen_at > ?1').bind(upTo),
  db.prepare('UPDATE reports SET keep_at = ?1 WHERE keep_at > ?1').bind(upTo),
];

/**
 * The release step: carries out every worker action stamped with release `upTo` or earlier (already
 * passed). Keeps first, then widenings (each its own batch), then erasures. Returns the audit entries
 * of the widenings, dated `today`, for the caller to append (the Worker through its audit chain, the
 * local script straight to D1): in id order, which says nothing about the order they were asked in.
 */
export async function releaseWorkerActions(db: D1Database, upTo: string, today: string): Promise<{ erased: number; widened: AuditEntry[] }> {
  await db
    .prepare('UPDATE reports SET keep_until = max(coalesce(keep_until, keep_asked), keep_asked), keep_asked = NULL, keep_at = NULL WHERE keep_at <= ?1')
    .bind(upTo)
    .run();
  const widened: AuditEntry[] = [];
  for (const w of await widenedBy(db, upTo)) {
    if (!(await applyWidening(db, w.id))) continue;
    const { to, keys } = await officialKeysOf(db, w.id);
    widened.push({
      day: today,
      actor: 'worker',
      role: 'worker',
      action: 'widen',
      reportId: w.id,
      outcome: 'ok',
      detail: `to:${to.join(',')} keys:${keys} release:${w.release}`,
    });
  }
  const erased = await eraseRequestedBy(db, upTo, today);
  return { erased, widened };
}
