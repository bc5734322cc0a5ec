/**
 * The crypto module against frozen known-answer vectors (tests/fixtures/crypto-vectors.json, the
 * same values as the worked example in docs/crypto.md), plus the ways an envelope must refuse to open.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import {
  ENVELOPE_VERSION,
  MIN_PADDED_BYTES,
  NONCE_BYTES,
  RECEIPT_ALPHABET,
  SEALED_KEY_BYTES,
  TAG_BYTES,
  additionalData,
  checkWork,
  deriveMailbox,
  deriveRecipientKeys,
  encryptBody,
  formatReceiptCode,
  fromB64,
  fromUtf8,
  isPlausibleBodyLength,
  keyIdOf,
  leadingZeroBits,
  newPassphrase,
  newReceiptCode,
  normalizeReceiptCode,
  receiptCodeProblem,
  openBody,
  openEnvelope,
  paddedLength,
  recipientKeysFromSeed,
  sealEnvelope,
  solveWork,
  toB64,
  utf8,
  workHash,
  type Envelope,
  type EnvelopeContext,
  type RecipientKeys,
  type Sodium,
} from '../../src/crypto';
import { verifyChallenge } from '../../src/crypto/challenge';
import vectors from '../fixtures/crypto-vectors.json';

let s: Sodium;
const hex = (b: Uint8Array) => s.to_hex(b);
const bytes = (h: string) => s.from_hex(h);
const ctxOf = (c: { kind: string; reportId: string; messageId: string; facilityId: string }): EnvelopeContext => ({
  ...c,
  kind: c.kind as 'report' | 'message',
});
/** A copy with one byte XORed, so the original stays intact for the next case. */
const flip = (b: Uint8Array, at: number) => {
  const copy = b.slice();
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};

beforeAll(async () => {
  s = await loadNodeSodium();
});

describe('receipt codes', () => {
  it('should derive the frozen mailbox keys and id from each receipt code', () => {
    expect(vectors.mailbox).toHaveLength(2);
    for (const v of vectors.mailbox) {
      const m = deriveMailbox(s, v.normalized);
      expect(m.mailboxId, v.normalized).toBe(v.mailboxId);
      expect(hex(m.box.publicKey)).toBe(v.boxPublicKey);
      expect(hex(m.box.privateKey)).toBe(v.boxPrivateKey);
      expect(hex(m.sign.publicKey)).toBe(v.signPublicKey);
    }
  });

  it('should derive the mailbox exactly as docs/crypto.md says: keyed BLAKE2b, then crypto_kdf "bzmailbx"', () => {
    for (const v of vectors.mailbox) {
      const master = s.crypto_generichash(32, utf8(v.normalized), utf8('buzon.receipt.v1'));
      expect(hex(master)).toBe(v.master);
      expect(hex(s.crypto_kdf_derive_from_key(32, 1, 'bzmailbx', master))).toBe(v.boxSeed);
      expect(hex(s.crypto_kdf_derive_from_key(32, 2, 'bzmailbx', master))).toBe(v.signSeed);
      expect(hex(s.crypto_kdf_derive_from_key(16, 3, 'bzmailbx', master))).toBe(v.mailboxId);
      expect(hex(s.crypto_box_seed_keypair(bytes(v.boxSeed)).publicKey)).toBe(v.boxPublicKey);
      expect(hex(s.crypto_sign_seed_keypair(bytes(v.signSeed)).publicKey)).toBe(v.signPublicKey);
    }
  });

  it('should derive the same mailbox from a code typed in lowercase, with spaces and O/I/L look-alikes', () => {
    const messy = vectors.mailbox.flatMap((v) => v.typed.map((typed) => ({ typed, v })));
    expect(messy.some(({ typed }) => /[a-z]/.test(typed) && / /.test(typed) && /[OIl]/i.test(typed))).toBe(true);
    for (const { typed, v } of messy) {
      expect(normalizeReceiptCode(typed), typed).toBe(v.normalized);
      expect(deriveMailbox(s, typed).mailboxId, typed).toBe(v.mailboxId);
    }
  });

  it('should forgive the dashes and invisible characters phones put in pasted text', () => {
    const v = vectors.mailbox[0]!;
    const groups = v.normalized.match(/.{4}/g)!;
    for (const separator of ['\u2013', '\u2014', '\u2011', '\u2212', '\u200b', ' \u2060']) {
      expect(normalizeReceiptCode(groups.join(separator)), JSON.stringify(separator)).toBe(v.normalized);
    }
    expect(normalizeReceiptCode(`\ufeff${groups.join('-')}\u200d`)).toBe(v.normalized);
  });

  it('should reject a code of the wrong length', () => {
    expect(normalizeReceiptCode('K0TR-1PMX-7Q4D-N1B0-W8Z')).toBeNull();
    expect(normalizeReceiptCode('K0TR-1PMX-7Q4D-N1B0-W8ZE0')).toBeNull();
    expect(normalizeReceiptCode('')).toBeNull();
    expect(() => deriveMailbox(s, 'K0TR-1PMX')).toThrow(/not a receipt code/);
  });

  it('should name what is wrong with a mistyped code: a symbol codes never use, or how many it has', () => {
    // 20 symbols, one of them a U (read for V): the count is right, the symbol is not.
    expect(receiptCodeProblem('K0TR-1PMX-7Q4D-N1B0-W8ZU')).toEqual({ kind: 'symbol', symbol: 'U' });
    expect(receiptCodeProblem('k0tr 1pmx 7q4d ñ1b0 w8ze')).toEqual({ kind: 'symbol', symbol: 'Ñ' });
    expect(receiptCodeProblem('K0TR-1PMX-7Q4D-N1B0-W8Z')).toEqual({ kind: 'length', count: 19 });
    // Look-alikes and separators are forgiven, as when opening the case.
    expect(receiptCodeProblem('KOTR-lPMX-7Q4D-N1B0-W8ZE')).toBeNull();
    expect(normalizeReceiptCode('KOTR-lPMX-7Q4D-N1B0-W8ZE')).toBe('K0TR1PMX7Q4DN1B0W8ZE');
  });

  it('should reject a code containing a U', () => {
    expect(normalizeReceiptCode('U0TR-1PMX-7Q4D-N1B0-W8ZE')).toBeNull();
    expect(normalizeReceiptCode('k0tr-1pmx-7q4d-n1b0-w8zu')).toBeNull();
    expect(() => deriveMailbox(s, 'U0TR-1PMX-7Q4D-N1B0-W8ZE')).toThrow(/not a receipt code/);
  });

  it('should make codes of 20 alphabet symbols in 5 groups of 4, different on each call', () => {
    const codes = Array.from({ length: 20 }, () => newReceiptCode(s));
    for (const code of codes) {
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
      const normalized = normalizeReceiptCode(code)!;
      expect(normalized).toHaveLength(20);
      expect([...normalized].every((ch) => RECEIPT_ALPHABET.includes(ch))).toBe(true);
      expect(formatReceiptCode(normalized)).toBe(code);
    }
    expect(new Set(codes).size).toBe(codes.length);
    expect(newReceiptCode(s)).not.toBe(newReceiptCode(s));
  });
});

describe('recipient keys', () => {
  it('should split a fixed seed into the frozen X25519 and Ed25519 pairs and key id', () => {
    const v = vectors.recipientFromSeed;
    const k = recipientKeysFromSeed(s, bytes(v.seed));
    expect(k.keyId).toBe(v.keyId);
    expect(hex(k.box.publicKey)).toBe(v.boxPublicKey);
    expect(hex(k.box.privateKey)).toBe(v.boxPrivateKey);
    expect(hex(k.sign.publicKey)).toBe(v.signPublicKey);
    expect(hex(s.crypto_kdf_derive_from_key(32, 1, 'bzrecpnt', bytes(v.seed)))).toBe(v.boxSeed);
    expect(hex(s.crypto_kdf_derive_from_key(32, 2, 'bzrecpnt', bytes(v.seed)))).toBe(v.signSeed);
  });

  it('should make the key id the 8-byte BLAKE2b of the X25519 public key', () => {
    const v = vectors.recipientFromSeed;
    expect(keyIdOf(s, bytes(v.boxPublicKey))).toBe(v.keyId);
    expect(hex(s.crypto_generichash(8, bytes(v.boxPublicKey), null))).toBe(v.keyId);
    expect(v.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('should derive the frozen keys from a passphrase and salt with the interactive Argon2id limits', () => {
    const p = vectors.recipientFromPassphrase;
    expect(p.opsLimit).toBe(s.crypto_pwhash_OPSLIMIT_INTERACTIVE);
    expect(p.memLimit).toBe(s.crypto_pwhash_MEMLIMIT_INTERACTIVE);
    const kdf = { salt: bytes(p.salt), opsLimit: p.opsLimit, memLimit: p.memLimit };
    for (const v of p.vectors) {
      const k = deriveRecipientKeys(s, v.passphrase, kdf);
      expect(k.keyId, v.passphrase).toBe(v.keyId);
      expect(hex(k.box.publicKey)).toBe(v.boxPublicKey);
      expect(hex(k.sign.publicKey)).toBe(v.signPublicKey);
    }
  });

  it('should forgive typing (a generated passphrase) and Unicode form (any other passphrase)', () => {
    const p = vectors.recipientFromPassphrase;
    const kdf = { salt: bytes(p.salt), opsLimit: p.opsLimit, memLimit: p.memLimit };
    for (const v of p.vectors) {
      for (const typed of v.typed) {
        expect(typed).not.toBe(v.passphrase);
        expect(deriveRecipientKeys(s, typed, kdf).keyId, typed).toBe(v.keyId);
      }
    }
  });

  it('should derive different keys from a different salt', () => {
    const p = vectors.recipientFromPassphrase;
    const v = p.vectors[0]!;
    const salt = bytes(p.salt);
    salt[0] = salt[0]! ^ 0xff;
    expect(deriveRecipientKeys(s, v.passphrase, { salt, opsLimit: p.opsLimit, memLimit: p.memLimit }).keyId).not.toBe(v.keyId);
  });

  it('should generate passphrases in the receipt code format', () => {
    const a = newPassphrase(s);
    expect(normalizeReceiptCode(a)).toHaveLength(20);
    expect(a).not.toBe(newPassphrase(s));
  });
});

describe('envelope format', () => {
  it('should build the frozen additional data for a report and a message', () => {
    for (const v of vectors.additionalData) expect(hex(additionalData(s, ctxOf(v.context))), v.context.kind).toBe(v.hex);
  });

  it('should lay out the additional data as "BZN" ‖ version ‖ kind ‖ report id ‖ message id ‖ length ‖ facility', () => {
    const v = vectors.additionalData[1]!;
    const ad = additionalData(s, ctxOf(v.context));
    expect(fromUtf8(ad.subarray(0, 3))).toBe('BZN');
    expect(ad[3]).toBe(1); // format 1, as everything stored before format 2
    expect(ENVELOPE_VERSION).toBe(2);
    expect(ad[4]).toBe(2);
    expect(hex(ad.subarray(5, 21))).toBe(v.context.reportId);
    expect(hex(ad.subarray(21, 37))).toBe(v.context.messageId);
    expect(ad[37]).toBe(v.context.facilityId.length);
    expect(fromUtf8(ad.subarray(38))).toBe(v.context.facilityId);
  });

  it('should refuse a facility id of 0 or more than 64 bytes and ids that are not 16 bytes', () => {
    const ctx = ctxOf(vectors.additionalData[0]!.context);
    expect(() => additionalData(s, { ...ctx, facilityId: '' })).toThrow(/facility/);
    expect(() => additionalData(s, { ...ctx, facilityId: 'x'.repeat(65) })).toThrow(/facility/);
    expect(additionalData(s, { ...ctx, facilityId: 'x'.repeat(64) })).toHaveLength(38 + 64);
    expect(() => additionalData(s, { ...ctx, reportId: 'aabb' })).toThrow(/16 bytes/);
    expect(() => additionalData(s, { ...ctx, messageId: `${ctx.messageId}00` })).toThrow(/16 bytes/);
  });

  it('should encrypt the frozen body from a fixed key and nonce', () => {
    const v = vectors.encryptBody;
    const body = encryptBody(s, utf8(v.plaintext), bytes(v.key), bytes(v.nonce), ctxOf(v.context));
    expect(hex(body)).toBe(v.body);
    expect(body).toHaveLength(NONCE_BYTES + MIN_PADDED_BYTES + TAG_BYTES);
  });

  it('should open the frozen body back to the plaintext, ISO/IEC 7816-4 padding removed', () => {
    const v = vectors.encryptBody;
    const body = bytes(v.body);
    expect(fromUtf8(openBody(s, body, bytes(v.key), ctxOf(v.context)))).toBe(v.plaintext);
    const padded = s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, body.subarray(24), additionalData(s, ctxOf(v.context)), body.subarray(0, 24), bytes(v.key));
    const length = utf8(v.plaintext).length;
    expect(padded).toHaveLength(512);
    expect(padded[length]).toBe(0x80);
    expect(padded.subarray(length + 1).every((b) => b === 0)).toBe(true);
  });

  it('should pad to the frozen size buckets at the boundaries', () => {
    for (const v of vectors.paddedLength) expect(paddedLength(v.length), String(v.length)).toBe(v.padded);
  });

  it('should accept exactly the body lengths the envelope produces', () => {
    expect(isPlausibleBodyLength(24 + 16 + 512)).toBe(true);
    expect(isPlausibleBodyLength(24 + 16 + 65_536)).toBe(true);
    expect(isPlausibleBodyLength(24 + 16 + 256)).toBe(false);
    expect(isPlausibleBodyLength(24 + 16 + 513)).toBe(false);
    expect(isPlausibleBodyLength(24 + 16 + 768)).toBe(false);
  });
});

describe('envelope sealing', () => {
  const ctx: EnvelopeContext = {
    kind: 'report',
    reportId: '5f3a9c0e7b2d4c6f8a1e0b9d7c5a3e1f',
    messageId: '5f3a9c0e7b2d4c6f8a1e0b9d7c5a3e1f',
    facilityId: 'planta-uno',
  };
  const text = JSON.stringify({ v: 1, text: 'Amenazas en la línea 3 — ñ' });
  let readers: RecipientKeys[];
  let stranger: RecipientKeys;
  let sealed: Envelope;
  const open = (e: { body: Uint8Array; sealed: Uint8Array }, who: RecipientKeys, c: EnvelopeContext) =>
    fromUtf8(openEnvelope(s, e.body, e.sealed, who.box, c));
  const first = () => ({ body: sealed.body, sealed: sealed.keys[0]!.sealed });

  beforeAll(() => {
    readers = [0, 1, 2].map(() => recipientKeysFromSeed(s, s.randombytes_buf(32)));
    stranger = recipientKeysFromSeed(s, s.randombytes_buf(32));
    sealed = sealEnvelope(s, utf8(text), ctx, readers.map((r) => ({ keyId: r.keyId, boxPublicKey: r.box.publicKey })));
  });

  it('should seal to three recipients, each of whom opens it', () => {
    expect(sealed.keys.map((k) => k.keyId)).toEqual(readers.map((r) => r.keyId));
    for (const [i, r] of readers.entries()) {
      expect(sealed.keys[i]!.sealed).toHaveLength(SEALED_KEY_BYTES);
      expect(open({ body: sealed.body, sealed: sealed.keys[i]!.sealed }, r, ctx)).toBe(text);
    }
    expect(isPlausibleBodyLength(sealed.body.length)).toBe(true);
  });

  it('should use a fresh content key and nonce for every envelope', () => {
    const again = sealEnvelope(s, utf8(text), ctx, [{ keyId: readers[0]!.keyId, boxPublicKey: readers[0]!.box.publicKey }]);
    expect(hex(again.body.subarray(0, NONCE_BYTES))).not.toBe(hex(sealed.body.subarray(0, NONCE_BYTES)));
    expect(hex(again.body)).not.toBe(hex(sealed.body));
    expect(() => open({ body: sealed.body, sealed: again.keys[0]!.sealed }, readers[0]!, ctx)).toThrow();
  });

  it('should survive the wire encoding (base64url without padding)', () => {
    const wire = { body: toB64(s, sealed.body), sealed: toB64(s, sealed.keys[1]!.sealed) };
    expect(wire.body).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(wire.sealed).toHaveLength(107);
    expect(open({ body: fromB64(s, wire.body), sealed: fromB64(s, wire.sealed) }, readers[1]!, ctx)).toBe(text);
  });

  it('should refuse an envelope without recipients', () => {
    expect(() => sealEnvelope(s, utf8(text), ctx, [])).toThrow(/at least one recipient/);
  });

  it('should not open with another recipient key', () => {
    expect(() => open(first(), stranger, ctx)).toThrow();
    expect(() => open(first(), readers[1]!, ctx)).toThrow();
  });

  it('should not open a body with a flipped byte in the nonce', () => {
    expect(() => open({ ...first(), body: flip(sealed.body, 5) }, readers[0]!, ctx)).toThrow();
  });

  it('should not open a body with a flipped byte in the ciphertext', () => {
    expect(() => open({ ...first(), body: flip(sealed.body, NONCE_BYTES + 100) }, readers[0]!, ctx)).toThrow();
  });

  it('should not open a body with a flipped byte in the tag', () => {
    expect(() => open({ ...first(), body: flip(sealed.body, sealed.body.length - 3) }, readers[0]!, ctx)).toThrow();
  });

  it('should not open with a flipped byte in the sealed key', () => {
    for (const at of [0, 40, SEALED_KEY_BYTES - 1]) {
      expect(() => open({ ...first(), sealed: flip(first().sealed, at) }, readers[0]!, ctx), String(at)).toThrow();
    }
  });

  it('should not open under a different facility', () => {
    expect(() => open(first(), readers[0]!, { ...ctx, facilityId: 'planta-dos' })).toThrow();
  });

  it('should not open under a different report id', () => {
    const reportId = '5f3a9c0e7b2d4c6f8a1e0b9d7c5a3e10';
    expect(() => open(first(), readers[0]!, { ...ctx, reportId })).toThrow();
  });

  it('should not open under a different message id', () => {
    expect(() => open(first(), readers[0]!, { ...ctx, messageId: '00000000000000000000000000000001' })).toThrow();
  });

  it('should not open under a different kind', () => {
    expect(() => open(first(), readers[0]!, { ...ctx, kind: 'message' })).toThrow();
  });

  it('should refuse a body truncated below the minimum length', () => {
    const short = sealed.body.subarray(0, NONCE_BYTES + TAG_BYTES + MIN_PADDED_BYTES - 1);
    expect(() => open({ ...first(), body: short }, readers[0]!, ctx)).toThrow(/too short/);
    expect(() => open({ ...first(), body: sealed.body.subarray(0, sealed.body.length - 1) }, readers[0]!, ctx)).toThrow();
  });
});

describe('proof of work', () => {
  const w = vectors.work;

  it('should count leading zero bits as the frozen cases say', () => {
    for (const v of vectors.leadingZeroBits) expect(leadingZeroBits(bytes(v.hash)), v.hash || '(empty)').toBe(v.bits);
  });

  it('should hash "challenge:reportId:counter" to the frozen BLAKE2b-256 values', () => {
    for (const v of w.hashes) {
      expect(hex(workHash(s, w.token, w.reportId, v.counter))).toBe(v.hash);
      expect(hex(s.crypto_generichash(32, utf8(`${w.token}:${w.reportId}:${v.counter}`), null))).toBe(v.hash);
    }
  });

  it('should find the frozen first solution and accept it only at or below its difficulty', () => {
    expect(solveWork(s, w.token, w.reportId, w.bits)).toBe(w.firstSolution);
    expect(checkWork(s, w.token, w.reportId, w.firstSolution, w.bits)).toBe(true);
    expect(checkWork(s, w.token, w.reportId, w.firstSolution - 1, w.bits)).toBe(false);
    const bits = leadingZeroBits(workHash(s, w.token, w.reportId, w.firstSolution));
    expect(checkWork(s, w.token, w.reportId, w.firstSolution, bits + 1)).toBe(false);
    const otherReport = 'ffeeddccbbaa99887766554433221100';
    expect(hex(workHash(s, w.token, otherReport, w.firstSolution))).not.toBe(hex(workHash(s, w.token, w.reportId, w.firstSolution)));
  });

  it('should verify the frozen challenge token (crypto_auth over the first six fields)', () => {
    const bound = { purpose: 'report' as const, facility: w.claims.facility };
    expect(w.token.split('.')).toHaveLength(7);
    expect(verifyChallenge(s, w.secret, w.token, w.now, bound)).toEqual({ ok: true, claims: w.claims });
    const claims = w.token.split('.').slice(0, 6).join('.');
    expect(toB64(s, s.crypto_auth(utf8(claims), fromB64(s, w.secret)))).toBe(w.token.split('.')[6]);
  });

  it('should refuse the token once expired, with its difficulty or binding changed, under another secret, or in the old format', () => {
    const bound = { purpose: 'report' as const, facility: w.claims.facility };
    expect(verifyChallenge(s, w.secret, w.token, w.claims.expires, bound)).toEqual({ ok: false, reason: 'pow_expired' });
    const easier = w.token.replace(`.${w.claims.bits}.`, '.1.');
    expect(easier).not.toBe(w.token);
    expect(verifyChallenge(s, w.secret, easier, w.now, bound)).toEqual({ ok: false, reason: 'pow_invalid' });
    // Bound to one facility and to reports: not valid for another plant or for the mailbox.
    expect(verifyChallenge(s, w.secret, w.token, w.now, { ...bound, facility: 'otra-planta' })).toEqual({ ok: false, reason: 'pow_invalid' });
    expect(verifyChallenge(s, w.secret, w.token, w.now, { purpose: 'mailbox', facility: '*' })).toEqual({ ok: false, reason: 'pow_invalid' });
    const relabelled = w.token.replace('.report.demo-silao.', '.mailbox.*.');
    expect(verifyChallenge(s, w.secret, relabelled, w.now, { purpose: 'mailbox', facility: '*' })).toEqual({ ok: false, reason: 'pow_invalid' });
    const other = toB64(s, new Uint8Array(32).fill(9));
    expect(verifyChallenge(s, other, w.token, w.now, bound)).toEqual({ ok: false, reason: 'pow_invalid' });
    const v1 = ['v1', ...w.token.split('.').slice(1, 4)].join('.');
    expect(verifyChallenge(s, w.secret, `${v1}.${toB64(s, s.crypto_auth(utf8(v1), fromB64(s, w.secret)))}`, w.now, bound)).toEqual({ ok: false, reason: 'pow_invalid' });
  });
});
