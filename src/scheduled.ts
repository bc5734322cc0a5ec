/**
 * @module Housekeeping (cron). Every half hour: carries out workers' erasures, widenings and keeps
 * whose release has passed (src/storage/held-actions.ts) and deletes queued KV keys of erased cases. Daily: forgets
 * spent proof-of-work challenges once they have expired, forgets upload records past their expiry,
 * finishes copying stored reports' evidence to its permanent keys (src/storage/uploads.ts), removes
 * bodies no report points to, sends the readers' content-free digests (src/notify/), erases the
 * cases retention says are due (src/storage/retention.ts), and computes the day's figures for the
 * dashboard and the public page (src/trends/snapshot.ts).
 */
import type { Env } from './env';
import { addDays } from './domain/case';
import { mexicoDay, releaseClock } from './lib/clock';
import { recordAudit } from './storage/audit';
import { releaseWorkerActions } from './storage/held-actions';
import { forgetUnreferencedBlobs } from './storage/cleanup';
import { forgetExpiredUploads, keepAttachments } from './storage/uploads';
import { eraseDueCases, purgeErasedBlobs } from './storage/retention';
import { retentionPolicy } from './domain/retention';
import { sendDigests } from './notify/digest';
import { publicSnapshot, trendsSnapshot } from './trends/snapshot';

/** Deletes spent challenges whose expiry day has passed; a challenge lives two hours at most. */
export async function forgetExpiredChallenges(db: D1Database, today = mexicoDay()): Promise<number> {
  const result = await db.prepare('DELETE FROM spent_challenges WHERE expires_day < ?1').bind(today).run();
  return result.meta.changes ?? 0;
}

/** The daily run (wrangler.toml [triggers]); every other trigger only deletes queued KV keys of erased cases. */
export const DAILY_CRON = '0 12 * * *';
/** KV deletes per run, under the platform's operations per invocation; the half-hourly runs take the backlog. */
const PURGE_PER_RUN = 900;

/** Runs every job even if one fails, then fails the run if any did. */
export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  if (controller.cron !== DAILY_CRON) {
    // The release step for workers' own actions (erasures, widenings, keeps): those stamped with a release that has passed.
    const { widened } = await releaseWorkerActions(env.DB, releaseClock(env.RELEASE_HOURS).last, mexicoDay());
    await recordAudit(env, widened);
    await purgeErasedBlobs(env.DB, env.BLOBS, PURGE_PER_RUN);
    return;
  }
  const today = mexicoDay();
  // Evidence is copied to its permanent keys before erasure looks at it, so no copy lands after the
  // purge (and erasure runs even if copying failed). Erased cases leave tombstones the figures still
  // count, so the snapshots may run beside.
  const kept = keepAttachments(env.DB, env.BLOBS);
  const erased = kept
    .catch(() => undefined)
    .then(() => eraseDueCases(env.DB, retentionPolicy(env), today))
    .then(() => purgeErasedBlobs(env.DB, env.BLOBS, PURGE_PER_RUN / 2));
  const results = await Promise.allSettled([
    kept,
    erased,
    forgetExpiredChallenges(env.DB),
    forgetExpiredUploads(env.DB),
    forgetUnreferencedBlobs(env.DB, env.BLOBS, addDays(mexicoDay(), -1)),
    sendDigests(env),
    publicSnapshot(env, mexicoDay()),
    trendsSnapshot(env, mexicoDay()),
  ]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
