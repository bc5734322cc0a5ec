/**
 * @module Report bodies: sealed in envelope format 2 (kind report, author worker), opened in
 * format 2 or, for what was stored before, format 1. Since format 2 the sealed report carries the
 * case mailbox's public keys, so a reader can tell a swapped mailbox row from the worker's own.
 */
import { format1Allowed, openEnvelope, sealEnvelope, type EnvelopeRecipient } from './envelope';
import type { Sodium } from './sodium';

export interface ReportPlace {
  reportId: string;
  facilityId: string;
}

const v2 = (p: ReportPlace) => ({ version: 2 as const, kind: 'report' as const, author: 'worker' as const, reportId: p.reportId, messageId: p.reportId, facilityId: p.facilityId });
const v1 = (p: ReportPlace) => ({ kind: 'report' as const, reportId: p.reportId, messageId: p.reportId, facilityId: p.facilityId });

export function sealReport(s: Sodium, plaintext: Uint8Array, place: ReportPlace, recipients: EnvelopeRecipient[]) {
  return sealEnvelope(s, plaintext, v2(place), recipients);
}

/**
 * The report's plaintext and its format; throws if it opens in neither. Format 1 opens only for a
 * case received on or before the cut-over (`receivedDay`, FORMAT_1_LAST_DAY); a later one is refused.
 */
export function openReport(
  s: Sodium,
  body: Uint8Array,
  sealedKey: Uint8Array,
  pair: { publicKey: Uint8Array; privateKey: Uint8Array },
  place: ReportPlace,
  receivedDay?: string,
): { plain: Uint8Array; format: 1 | 2 } {
  try {
    return { plain: openEnvelope(s, body, sealedKey, pair, v2(place)), format: 2 };
  } catch (error) {
    if (!format1Allowed(receivedDay)) throw error;
    return { plain: openEnvelope(s, body, sealedKey, pair, v1(place)), format: 1 };
  }
}
