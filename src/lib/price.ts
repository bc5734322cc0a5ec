/**
 * @module What a report's proof of work costs at a plant now (src/domain/difficulty.ts), as
 * statements a caller reads in its own batch: the challenge route prices a new challenge with them,
 * and a submission checks, in the same read as its spent check, that its token still pays the price.
 */
import { challengeBits, VOLUME_RELEASES } from '../domain/difficulty';
import { releaseBefore, releaseHours } from '../domain/release';
import { releasedVolumeStatements, volumeOf } from '../storage/reports';
import { powBits } from './challenge';
import { releaseClock } from './clock';

type PriceEnv = { DB: D1Database; RELEASE_HOURS?: string; POW_BITS?: string };

/** The two counts a plant's price comes from, over the last VOLUME_RELEASES releases. */
export function priceStatements(env: PriceEnv, facilityId: string): D1PreparedStatement[] {
  const last = releaseClock(env.RELEASE_HOURS).last;
  return releasedVolumeStatements(env.DB, facilityId, releaseBefore(last, releaseHours(env.RELEASE_HOURS), VOLUME_RELEASES), last);
}

/** The price in bits from the results of priceStatements. */
export function priceFrom(env: PriceEnv, results: Array<{ results: unknown[] }>): number {
  return Math.min(30, challengeBits(powBits(env), volumeOf(results)));
}
