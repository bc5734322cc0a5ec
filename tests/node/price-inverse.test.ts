/**
 * The one-round-trip intake checks a token's price inside its write batch by the inverse of the
 * price (src/lib/price.ts volumePaidBy): it must agree with priceFrom for every volume and work.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceFrom, volumePaidBy } from '../../src/lib/price';

describe('volumePaidBy', () => {
  it('should pay exactly the volumes whose price is at most the work', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 31 }),
        fc.constantFrom('4', '15', '16', '24', ''),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 200_000 }),
        (bits, base, facility, national) => {
          const env = { DB: null as unknown as D1Database, POW_BITS: base };
          const price = priceFrom(env, [{ results: [{ n: facility }] }, { results: [{ n: national }] }]);
          const pays = volumePaidBy(env, bits);
          expect(bits >= price).toBe(facility <= pays.facility && national <= pays.national);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('should agree at the edges where the price steps up', () => {
    const env = { DB: null as unknown as D1Database, POW_BITS: '15' };
    for (const extra of [0, 1, 2, 7]) {
      const { facility, national } = volumePaidBy(env, 15 + extra);
      const at = (f: number, n: number) => priceFrom(env, [{ results: [{ n: f }] }, { results: [{ n: n }] }]);
      expect(at(facility, 0)).toBeLessThanOrEqual(15 + extra);
      expect(at(facility + 1, 0)).toBeGreaterThan(15 + extra);
      expect(at(0, national)).toBeLessThanOrEqual(15 + extra);
      expect(at(0, national + 1)).toBeGreaterThan(15 + extra);
    }
  });
});
