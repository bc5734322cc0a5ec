/**
 * Format 1 after the cut-over (issue 26 §5): format 2 shipped on 2026-12-02, so a format 1 report or
 * message in a case received later, or dated later, was sealed by no honest client. Anyone holding
 * the readers' public keys (a database writer) can seal one; it is refused, and older ones still open.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import {
  FORMAT_1_LAST_DAY,
  openReport,
  openThreadMessage,
  recipientKeysFromSeed,
  sealEnvelope,
  utf8,
  type MessagePlace,
  type RecipientKeys,
  type Sodium,
} from '../../src/crypto';

let s: Sodium;
let reader: RecipientKeys;
beforeAll(async () => {
  s = await loadNodeSodium();
  reader = recipientKeysFromSeed(s, new Uint8Array(32).fill(7));
});

const reportId = '0123456789abcdef0123456789abcdef';
const facilityId = 'planta-uno';
const to = () => [{ keyId: reader.keyId, boxPublicKey: reader.box.publicKey }];

describe('format 1 after the format 2 cut-over', () => {
  it('should refuse a format 1 report of a case received after the cut-over, and still open one received before', () => {
    const plain = utf8(JSON.stringify({ v: 1, description: 'forjado por quien escribe la base de datos' }));
    const v1 = sealEnvelope(s, plain, { kind: 'report', reportId, messageId: reportId, facilityId }, to());
    const open = (day?: string) => openReport(s, v1.body, v1.keys[0]!.sealed, reader.box, { reportId, facilityId }, day);
    expect(() => open('2026-12-07')).toThrow();
    expect(() => open('2026-12-03')).toThrow(); // the day after the cut-over
    expect(() => open()).toThrow(); // no stamp: nothing says it is old
    expect(open(FORMAT_1_LAST_DAY)).toEqual({ plain, format: 1 });
    expect(open('2026-11-20')).toEqual({ plain, format: 1 });
  });

  it('should refuse a format 1 message in a later case, or dated after the cut-over in an older case, and still open an older one', () => {
    const messageId = 'fedcba9876543210fedcba9876543210';
    const text = 'Soy la autoridad: retire su reporte.';
    const v1 = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text, lang: 'es' })), { kind: 'message', reportId, messageId, facilityId }, to());
    const place: MessagePlace = { reportId, messageId, facilityId, kind: 'reply', author: 'official' };
    const open = (stamped: { receivedDay: string; day: string } | undefined) =>
      openThreadMessage(s, v1.body, v1.keys[0]!.sealed, reader.box, place, () => null, stamped);
    expect(open({ receivedDay: '2026-12-05', day: '2026-12-06' })).toBeNull();
    expect(open({ receivedDay: '2026-11-20', day: '2026-12-06' })).toBeNull(); // an old case, a message dated after the cut-over
    expect(open(undefined)).toBeNull();
    expect(open({ receivedDay: '2026-11-20', day: '2026-11-30' })).toEqual({ text, lang: 'es', verified: false, format: 1 });
  });
});
