/**
 * @module The only clock readings Buzón keeps: calendar days in Mexico City and the fixed release
 * hours of src/domain/release.ts, never the time something happened.
 */
import { lastRelease, mexicoDayOf, nextRelease, releaseHours } from '../domain/release';

/** "YYYY-MM-DD" for the given instant, in Mexico City. */
export function mexicoDay(at: Date = new Date()): string {
  return mexicoDayOf(at);
}

/**
 * Readers get a batch a few minutes after its hour: a report stamped a moment before the hour may
 * still be committing when the hour strikes, and a reader polling at that very second would see it
 * join the batch late, which would say it came in at the last moment.
 */
export const RELEASE_GRACE_SECONDS = 5 * 60;

/** The releases around now: `last` is what readers may see up to, `next` is what arrives now is stamped with. */
export function releaseClock(setting: string | undefined, at: Date = new Date()): { last: string; next: string } {
  const hours = releaseHours(setting);
  return { last: lastRelease(new Date(at.getTime() - RELEASE_GRACE_SECONDS * 1000), hours), next: nextRelease(at, hours) };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
