/**
 * Shared access (resealKey) and the recovery key: known-answer vectors, negative cases, and a
 * cross-check with Debian's python3-nacl (tests/fixtures/crosscheck_access.py), which derives the
 * recovery key from its typed code, verifies the signed list naming it, opens a report through a
 * share to it, and shares the content key back to a Node reader.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import {
  deriveRecoveryKey,
  fromB64,
  fromUtf8,
  listedRecovery,
  newRecoveryCode,
  normalizeRecoveryCode,
  openReport,
  recipientKeysFromSeed,
  resealKey,
  sealReport,
  signReaderList,
  toB64,
  utf8,
  verifyReaderList,
  type ReaderList,
  type Sodium,
} from '../../src/crypto';

let s: Sodium;
beforeAll(async () => {
  s = await loadNodeSodium();
});

/** Frozen: docs/crypto.md, "Recovery key", worked example. */
const RECOVERY_VECTOR = {
  code: '0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ',
  keyId: '06daae8495348c12',
  boxPublicKey: '84507dca3669ba6d6e6dbd2d391e7803872c8ded2dd29f5c49f1ffb83f80252f',
  boxSecretKey: '5b82052948ee4ff59c48939d328870e097409b359af41319294f50ba5a833707',
};

function listWith(reader: ReturnType<typeof recipientKeysFromSeed>, recovery: { keyId: string; boxPk: string } | undefined): ReaderList {
  return {
    v: 1,
    facility: 'planta-uno',
    issued: '2026-12-02T00:00:00.000Z',
    readers: [{ keyId: reader.keyId, role: 'monitor', label: 'Ana', boxPk: toB64(s, reader.box.publicKey), signPk: toB64(s, reader.sign.publicKey), recipient: true }],
    ...(recovery ? { recovery } : {}),
  };
}

describe('recovery key', () => {
  it('should derive the frozen vector, forgiving how the code is typed', () => {
    for (const typed of [RECOVERY_VECTOR.code, '0123 4567 89ab cdef ghjk mnpq rstv wxyz', 'O123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ']) {
      const k = deriveRecoveryKey(s, typed);
      expect([k.keyId, s.to_hex(k.box.publicKey), s.to_hex(k.box.privateKey)]).toEqual([RECOVERY_VECTOR.keyId, RECOVERY_VECTOR.boxPublicKey, RECOVERY_VECTOR.boxSecretKey]);
    }
  });

  it('should refuse what is not a recovery code, and make fresh codes of 32 symbols', () => {
    expect(() => deriveRecoveryKey(s, RECOVERY_VECTOR.code.slice(0, -1))).toThrow(/not a recovery code/);
    expect(() => deriveRecoveryKey(s, RECOVERY_VECTOR.code.replace('W', 'U'))).toThrow(/not a recovery code/);
    expect(normalizeRecoveryCode('ABCD-EFGH-JKMN-PQRS-TVWX')).toBeNull(); // a receipt code is not one
    const a = newRecoveryCode(s);
    expect(a).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(deriveRecoveryKey(s, a).keyId).not.toBe(deriveRecoveryKey(s, newRecoveryCode(s)).keyId);
  });

  it('should be covered by the reader list signature: tampered, mismatched or colliding entries are refused', () => {
    const admin = s.crypto_sign_seed_keypair(new Uint8Array(32).fill(7));
    const reader = recipientKeysFromSeed(s, new Uint8Array(32).fill(1));
    const rec = deriveRecoveryKey(s, RECOVERY_VECTOR.code);
    const recovery = { keyId: rec.keyId, boxPk: toB64(s, rec.box.publicKey) };
    const signed = signReaderList(s, listWith(reader, recovery), admin.privateKey);
    const list = verifyReaderList(s, signed, admin.publicKey, 'planta-uno');
    expect(list?.recovery).toEqual(recovery);
    expect(listedRecovery(s, list!, ['monitor']).map((r) => r.keyId)).toEqual([rec.keyId]);
    expect(listedRecovery(s, list!, ['official'])).toEqual([]); // a report for the authority alone is not the plant's
    // A list signed before recovery keys existed still verifies, and names none.
    const old = verifyReaderList(s, signReaderList(s, listWith(reader, undefined), admin.privateKey), admin.publicKey, 'planta-uno');
    expect(old && old.recovery).toBeUndefined();
    // Swapping the key in the statement breaks the signature; a well-signed but wrong entry is refused.
    const rogue = deriveRecoveryKey(s, newRecoveryCode(s));
    const swapped = { statement: signed.statement.replace(recovery.boxPk, toB64(s, rogue.box.publicKey)), signature: signed.signature };
    expect(verifyReaderList(s, swapped, admin.publicKey, 'planta-uno')).toBeNull();
    for (const bad of [
      { keyId: rogue.keyId, boxPk: recovery.boxPk },
      { keyId: reader.keyId, boxPk: toB64(s, reader.box.publicKey) },
      { keyId: rec.keyId, boxPk: recovery.boxPk.slice(0, 40) },
    ]) {
      expect(verifyReaderList(s, signReaderList(s, listWith(reader, bad), admin.privateKey), admin.publicKey, 'planta-uno')).toBeNull();
    }
  });
});

describe('resealKey', () => {
  it('should give another reader the same content key: the report opens for them', () => {
    const a = recipientKeysFromSeed(s, s.randombytes_buf(32));
    const b = recipientKeysFromSeed(s, s.randombytes_buf(32));
    const place = { reportId: s.to_hex(s.randombytes_buf(16)), facilityId: 'planta-uno' };
    const e = sealReport(s, utf8('{"description":"compartido"}'), place, [{ keyId: a.keyId, boxPublicKey: a.box.publicKey }]);
    const shared = resealKey(s, e.keys[0]!.sealed, a.box, b.box.publicKey);
    expect(shared.length).toBe(80);
    expect(fromUtf8(openReport(s, e.body, shared, b.box, place).plain)).toBe('{"description":"compartido"}');
    expect(s.to_hex(s.crypto_box_seal_open(shared, b.box.publicKey, b.box.privateKey))).toBe(s.to_hex(s.crypto_box_seal_open(e.keys[0]!.sealed, a.box.publicKey, a.box.privateKey)));
  });

  it('should refuse a key that is not mine, one that is not a 32-byte content key, and a recipient key of the wrong size', () => {
    const a = recipientKeysFromSeed(s, s.randombytes_buf(32));
    const b = recipientKeysFromSeed(s, s.randombytes_buf(32));
    const sealedToB = s.crypto_box_seal(s.randombytes_buf(32), b.box.publicKey);
    expect(() => resealKey(s, sealedToB, a.box, b.box.publicKey)).toThrow();
    expect(() => resealKey(s, s.crypto_box_seal(s.randombytes_buf(16), a.box.publicKey), a.box, b.box.publicKey)).toThrow(/not a content key/);
    const mine = s.crypto_box_seal(s.randombytes_buf(32), a.box.publicKey);
    expect(() => resealKey(s, mine, a.box, b.box.publicKey.subarray(0, 31))).toThrow(/32 bytes/);
    const tampered = mine.slice();
    tampered[40]! ^= 1;
    expect(() => resealKey(s, tampered, a.box, b.box.publicKey)).toThrow();
  });
});

describe('python3-nacl cross-check: shared access and the recovery key', () => {
  it('should derive, verify, open a share to the recovery key and share back, with an independent binding', () => {
    const admin = s.crypto_sign_seed_keypair(s.randombytes_buf(32));
    const reader = recipientKeysFromSeed(s, s.randombytes_buf(32));
    const other = recipientKeysFromSeed(s, s.randombytes_buf(32));
    const code = newRecoveryCode(s);
    const rec = deriveRecoveryKey(s, code);
    const recovery = { keyId: rec.keyId, boxPk: toB64(s, rec.box.publicKey) };
    const readerList = signReaderList(s, listWith(reader, recovery), admin.privateKey);
    const rogue = deriveRecoveryKey(s, newRecoveryCode(s));
    const tamperedLists = [
      { statement: readerList.statement.replace(recovery.boxPk, toB64(s, rogue.box.publicKey)), signature: readerList.signature },
      signReaderList(s, listWith(reader, { keyId: rogue.keyId, boxPk: recovery.boxPk }), admin.privateKey),
    ];
    const place = { reportId: s.to_hex(s.randombytes_buf(16)), facilityId: 'planta-uno' };
    const text = JSON.stringify({ description: 'Reporte abierto por la llave de recuperación — ñ' });
    const e = sealReport(s, utf8(text), place, [{ keyId: reader.keyId, boxPublicKey: reader.box.publicKey }]);
    const dir = mkdtempSync(join(tmpdir(), 'buzon-access-x-'));
    try {
      const input = join(dir, 'input.json');
      writeFileSync(
        input,
        JSON.stringify({
          recoveryCode: code.toLowerCase().replace(/-/g, ' '),
          adminPublicKey: s.to_hex(admin.publicKey),
          facility: 'planta-uno',
          readerList,
          tamperedLists,
          report: { reportId: place.reportId, facility: place.facilityId, body: toB64(s, e.body), sealedToRecovery: toB64(s, resealKey(s, e.keys[0]!.sealed, reader.box, rec.box.publicKey)) },
          shareTo: s.to_hex(other.box.publicKey),
        }),
      );
      const script = fileURLToPath(new URL('../fixtures/crosscheck_access.py', import.meta.url));
      const out = JSON.parse(execFileSync('/usr/bin/python3', ['-I', script, input], { encoding: 'utf8' }));
      expect(out.recovery).toEqual({ keyId: rec.keyId, boxPublicKey: s.to_hex(rec.box.publicKey) });
      expect(out.listRecovery).toEqual(recovery);
      expect(out.tamperedLists).toEqual([false, false]);
      expect(out.contentKeyBytes).toBe(32);
      expect(out.plaintext).toBe(text);
      expect(fromUtf8(openReport(s, e.body, fromB64(s, out.shared), other.box, place).plain)).toBe(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
