/**
 * @module The public page's daily snapshot: its figures stop at the last complete month and are
 * fixed for the day, so they are computed once a day (by the cron job, or by the first request)
 * and kept in KV; every other request reads the snapshot and never scans reports. Without it, a
 * few requests a second to /transparencia would keep D1 busy scanning a year of reports.
 */
import { loadPublicData, type PublicData } from './queries';
import { addMonths } from './weeks';

/** Long enough to outlive its day in every timezone; the key names the day, so tomorrow starts afresh. */
const SNAPSHOT_TTL_SECONDS = 2 * 24 * 60 * 60;

export const publicSnapshotKey = (today: string) => `snapshot/public/${today}`;

/** Today's public figures: the snapshot if there is one, else computed now and kept. */
export async function publicSnapshot(env: { DB: D1Database; STATE: KVNamespace }, today: string): Promise<PublicData> {
  const key = publicSnapshotKey(today);
  const kept = await env.STATE.get<PublicData>(key, 'json');
  if (kept) return kept;
  const data = await loadPublicData(env.DB, addMonths(today.slice(0, 7), -1), today);
  await env.STATE.put(key, JSON.stringify(data), { expirationTtl: SNAPSHOT_TTL_SECONDS });
  return data;
}
