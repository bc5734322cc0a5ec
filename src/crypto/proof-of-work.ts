/**
 * @module Proof of work: the client finds a counter whose BLAKE2b hash (crypto_generichash)
 * over the signed challenge and the report id starts with enough zero bits.
 */
import { utf8 } from './encoding';
import type { Sodium } from './sodium';

/** BLAKE2b-256 of "challenge:reportId:counter". */
export function workHash(s: Sodium, challenge: string, reportId: string, counter: number): Uint8Array {
  return s.crypto_generichash(32, utf8(`${challenge}:${reportId}:${counter}`), null);
}

/** Number of leading zero bits of a hash. */
export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** Whether counter solves the challenge for this report at this difficulty. */
export function checkWork(s: Sodium, challenge: string, reportId: string, counter: number, bits: number): boolean {
  return leadingZeroBits(workHash(s, challenge, reportId, counter)) >= bits;
}

/** Searches counters from 0 upward; expected 2^bits hashes. */
export function solveWork(s: Sodium, challenge: string, reportId: string, bits: number): number {
  for (let counter = 0; ; counter++) if (checkWork(s, challenge, reportId, counter, bits)) return counter;
}
