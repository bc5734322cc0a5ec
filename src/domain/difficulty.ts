/**
 * @module How much work a report costs: the proof-of-work difficulty rises with a facility's
 * volume (and the country's) over the last released batches, so a flood gets expensive while a
 * lone worker on a quiet day pays the base difficulty (about a second on a slow phone).
 *
 * Only released volume counts. A difficulty that moved with reports still waiting for their
 * release would let anyone polling challenges see when a report arrived, which the batches exist
 * to hide; the price is that a flood is priced from the next release on (docs/crypto.md).
 */

/** Releases whose reports count: two days at the default two releases a day. */
export const VOLUME_RELEASES = 4;
/** Reports per window that a plant, and the whole country, can receive at the base difficulty. */
export const QUIET_FACILITY = 8;
export const QUIET_NATIONAL = 400;
/** At most 2^8 = 256 times the base work. */
export const MAX_EXTRA_BITS = 8;

/** One more bit (twice the work) each time the volume doubles past the quiet level. */
export function extraBits(volume: number, quiet: number): number {
  if (!(volume > quiet)) return 0;
  return Math.min(MAX_EXTRA_BITS, Math.ceil(Math.log2(volume / quiet)));
}

/** The difficulty a challenge for this facility asks for. */
export function challengeBits(baseBits: number, volume: { facility: number; national: number }): number {
  return baseBits + Math.max(extraBits(volume.facility, QUIET_FACILITY), extraBits(volume.national, QUIET_NATIONAL));
}
