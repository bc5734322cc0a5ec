/**
 * @module A worker's own erasure (POST /api/mailbox/erase), held for a release like every other
 * worker action: the receipt code opens nothing from the moment it is asked (caseByMailbox skips
 * a case with erase_at), and readers lose the case at the release it is stamped with, when the
 * release step (the half-hourly job, or `npm run release:now` locally) erases it with
 * retention's own statements. A reader polling the list learns only which batch it went with.
 */
import { eraseMapped } from './retention';

/**
 * Stamps the case for erasure at release `releaseAt` ("YYYY-MM-DDTHH"). A case on legal hold is
 * only marked (erase_requested) and keeps its worker's side open: it goes once the hold is lifted.
 */
export async function requestErase(db: D1Database, reportId: string, releaseAt: string): Promise<'erased' | 'held'> {
  const [, row] = await db.batch([
    db
      .prepare(
        `UPDATE reports SET erase_requested = 1, erase_at = CASE WHEN hold_reason IS NULL THEN coalesce(erase_at, ?2) ELSE erase_at END
          WHERE id = ?1 AND erased_day IS NULL`,
      )
      .bind(reportId, releaseAt),
    db.prepare('SELECT erase_at AS eraseAt FROM reports WHERE id = ?1').bind(reportId),
  ]);
  return (row!.results[0] as { eraseAt: string | null } | undefined)?.eraseAt ? 'erased' : 'held';
}

/**
 * The release step: erases every case whose worker asked for it by release `upTo` (already
 * passed), unless it is on hold now. Returns how many. `today` dates the tombstones.
 */
export async function eraseRequestedBy(db: D1Database, upTo: string, today: string, perRound = 2500): Promise<number> {
  let erased = 0;
  for (;;) {
    const pick = db
      .prepare(
        `INSERT INTO erase_map (old_id, new_id)
         SELECT id, lower(hex(randomblob(16))) FROM reports WHERE erase_at <= ?1 AND erased_day IS NULL AND hold_reason IS NULL LIMIT ?2`,
      )
      .bind(upTo, perRound);
    const [picked] = await db.batch([pick, ...eraseMapped(db, today)]);
    const n = picked!.meta.changes ?? 0;
    erased += n;
    if (n < perRound) return erased;
  }
}

/** Statement for the local release step (src/storage/release.ts): erasures waiting for a later release move to `upTo`. */
export const releaseWaitingErasures = (db: D1Database, upTo: string) => db.prepare('UPDATE reports SET erase_at = ?1 WHERE erase_at > ?1').bind(upTo);
