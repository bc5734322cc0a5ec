/**
 * @module What a report's proof of work costs at a plant now (src/domain/difficulty.ts), as
 * statements a caller reads in its own batch: the challenge route prices a new challenge with them,
 * and a submission checks, in the same read as its spent check, that its token still pays the price.
 */
import { challengeBits, MAX_EXTRA_BITS, QUIET_FACILITY, QUIET_NATIONAL, VOLUME_RELEASES } from '../domain/difficulty';
import { releaseBefore, releaseHours } from '../domain/release';
import { releasedVolumeStatements, volumeOf } from '../storage/reports';
import { powBits } from './challenge';
import { releaseClock } from './clock';

type PriceEnv = { DB: D1Database; RELEASE_HOURS?: string; POW_BITS?: string };

/** The window of released reports a plant's price counts: the last VOLUME_RELEASES releases. */
function priceWindow(env: PriceEnv): { since: string; upTo: string } {
  const last = releaseClock(env.RELEASE_HOURS).last;
  return { since: releaseBefore(last, releaseHours(env.RELEASE_HOURS), VOLUME_RELEASES), upTo: last };
}

/** The two counts a plant's price comes from, over the last VOLUME_RELEASES releases. */
export function priceStatements(env: PriceEnv, facilityId: string): D1PreparedStatement[] {
  const { since, upTo } = priceWindow(env);
  return releasedVolumeStatements(env.DB, facilityId, since, upTo);
}

const ANY = Number.MAX_SAFE_INTEGER;

/**
 * The largest plant and national volumes whose price `bits` of work still pays, with the window
 * they are counted over: the inverse of priceFrom, for a check inside a write's own batch
 * (src/storage/intake-guard.ts). bits ≥ priceFrom(volume) exactly when both counts are at most these.
 */
export function volumePaidBy(env: PriceEnv, bits: number): { facility: number; national: number; since: string; upTo: string } {
  const extra = bits - powBits(env);
  const window = priceWindow(env);
  if (bits >= 30 || extra >= MAX_EXTRA_BITS) return { facility: ANY, national: ANY, ...window };
  if (extra < 0) return { facility: -1, national: -1, ...window };
  return { facility: QUIET_FACILITY * 2 ** extra, national: QUIET_NATIONAL * 2 ** extra, ...window };
}

/** The price in bits from the results of priceStatements. */
export function priceFrom(env: PriceEnv, results: Array<{ results: unknown[] }>): number {
  return Math.min(30, challengeBits(powBits(env), volumeOf(results)));
}
