/**
 * Envelope format 2, signed thread messages and signed reader lists (docs/crypto.md, "Format 2"):
 * the frozen known-answer vectors in tests/fixtures/crypto-vectors.json, then every way a message
 * or a list must fail to count as genuine. Each negative case says exactly what openThreadMessage
 * returns: null (does not open under this place at all) or a message with verified: false.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import {
  AUTHOR_ROLES,
  ENVELOPE_KINDS_V2,
  ENVELOPE_VERSION,
  MAILBOX_SIGNER,
  SIGNATURE_BYTES,
  additionalData,
  concat,
  deriveAdminKey,
  deriveMailbox,
  encryptBody,
  fromB64,
  fromUtf8,
  keyIdOf,
  listedRecipients,
  listedSigner,
  messageSignatureInput,
  openBody,
  openReport,
  openThreadMessage,
  readSignedPlaintext,
  recipientKeysFromSeed,
  sealEnvelope,
  sealReport,
  sealSignedMessage,
  signReaderList,
  signedPlaintext,
  toB64,
  utf8,
  verifyReaderList,
  type AuthorRole,
  type Envelope,
  type EnvelopeContextV2,
  type ListedReader,
  type MailboxKeys,
  type MessagePlace,
  type ReaderList,
  type RecipientKeys,
  type SignedReaderList,
  type SignerLookup,
  type Sodium,
} from '../../src/crypto';
import vectors from '../fixtures/crypto-vectors.json';

let s: Sodium;
const hex = (b: Uint8Array) => s.to_hex(b);
const bytes = (h: string) => s.from_hex(h);
const v2ctx = (c: { kind: string; author: string; reportId: string; messageId: string; facilityId: string }): EnvelopeContextV2 => ({
  version: 2,
  kind: c.kind as EnvelopeContextV2['kind'],
  author: c.author as AuthorRole,
  reportId: c.reportId,
  messageId: c.messageId,
  facilityId: c.facilityId,
});
const placeOf = (p: (typeof vectors.signedMessages)[number]['place']): MessagePlace => ({
  ...p,
  kind: p.kind as MessagePlace['kind'],
  author: p.author as AuthorRole,
});
/** A copy with one byte XORed. */
const flip = (b: Uint8Array, at: number) => {
  const copy = b.slice();
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};
const seedOf = (byte: number) => new Uint8Array(32).fill(byte);

beforeAll(async () => {
  s = await loadNodeSodium();
});

describe('format 2 known-answer vectors', () => {
  it('should build the frozen format 2 additional data for report/worker, reply/monitor, answer/worker and note/official', () => {
    expect(vectors.additionalDataV2.map((v) => `${v.context.kind}/${v.context.author}`)).toEqual(['report/worker', 'reply/monitor', 'answer/worker', 'note/official']);
    for (const v of vectors.additionalDataV2) expect(hex(additionalData(s, v2ctx(v.context))), v.context.kind).toBe(v.hex);
  });

  it('should lay out format 2 as "BZN" ‖ 0x02 ‖ kind ‖ report id ‖ message id ‖ author ‖ length ‖ facility', () => {
    expect(ENVELOPE_VERSION).toBe(2);
    expect(ENVELOPE_KINDS_V2).toEqual({ report: 1, reply: 2, answer: 3, note: 4 });
    expect(AUTHOR_ROLES).toEqual({ worker: 1, monitor: 2, official: 3 });
    for (const v of vectors.additionalDataV2) {
      const ad = additionalData(s, v2ctx(v.context));
      expect(ad).toHaveLength(39 + v.context.facilityId.length);
      expect(fromUtf8(ad.subarray(0, 3))).toBe('BZN');
      expect(ad[3]).toBe(2);
      expect(ad[4]).toBe(ENVELOPE_KINDS_V2[v.context.kind as keyof typeof ENVELOPE_KINDS_V2]);
      expect(hex(ad.subarray(5, 21))).toBe(v.context.reportId);
      expect(hex(ad.subarray(21, 37))).toBe(v.context.messageId);
      expect(ad[37]).toBe(AUTHOR_ROLES[v.context.author as AuthorRole]);
      expect(ad[38]).toBe(v.context.facilityId.length);
      expect(fromUtf8(ad.subarray(39))).toBe(v.context.facilityId);
    }
  });

  // The labels come straight from the server's rows: a name of an Object.prototype member
  // ('constructor', '__proto__', ...) must not pass as a known kind or author (it once became 0x00).
  it('should refuse kind and author labels that are Object.prototype members', () => {
    const ctx = v2ctx(vectors.additionalDataV2[1]!.context);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => additionalData(s, { ...ctx, kind: name as never }), name).toThrow(/unknown/);
      expect(() => additionalData(s, { ...ctx, author: name as never }), name).toThrow(/unknown/);
      expect(() => additionalData(s, { kind: name as never, reportId: ctx.reportId, messageId: ctx.messageId, facilityId: ctx.facilityId }), name).toThrow(/unknown/);
    }
  });

  it('should refuse a format 2 context with an unknown kind or author, a bad facility or bad ids', () => {
    const ctx = v2ctx(vectors.additionalDataV2[1]!.context);
    expect(() => additionalData(s, { ...ctx, kind: 'message' as never })).toThrow(/unknown/);
    expect(() => additionalData(s, { ...ctx, author: 'admin' as never })).toThrow(/unknown/);
    expect(() => additionalData(s, { ...ctx, facilityId: '' })).toThrow(/facility/);
    expect(() => additionalData(s, { ...ctx, facilityId: 'x'.repeat(65) })).toThrow(/facility/);
    expect(additionalData(s, { ...ctx, facilityId: 'x'.repeat(64) })).toHaveLength(39 + 64);
    expect(() => additionalData(s, { ...ctx, reportId: 'aabb' })).toThrow(/16 bytes/);
  });

  it('should make the frozen content, signature input, signature and plaintext of each signed message', () => {
    expect(vectors.signedMessages.map((v) => v.signer)).toEqual([vectors.recipientFromSeed.keyId, MAILBOX_SIGNER]);
    for (const v of vectors.signedMessages) {
      const pair = s.crypto_sign_seed_keypair(bytes(v.signerSeed));
      expect(hex(pair.publicKey)).toBe(v.signerPublicKey);
      const plain = signedPlaintext(s, v.message, placeOf(v.place), { id: v.signer, signPrivateKey: pair.privateKey });
      expect(hex(plain), v.place.kind).toBe(v.plaintext);
      expect(hex(plain.subarray(0, SIGNATURE_BYTES))).toBe(v.signature);
      expect(fromUtf8(plain.subarray(SIGNATURE_BYTES))).toBe(v.content);
      expect(JSON.parse(v.content)).toEqual({ v: 2, text: v.message.text, lang: v.message.lang, signer: v.signer });
      expect(hex(messageSignatureInput(s, placeOf(v.place), utf8(v.content)))).toBe(v.signatureInput);
    }
  });

  it('should sign exactly "buzon.message.v2\\n" ‖ format 2 additional data ‖ content, with plain Ed25519', () => {
    for (const v of vectors.signedMessages) {
      const input = concat(utf8('buzon.message.v2\n'), additionalData(s, v2ctx(v.place)), utf8(v.content));
      expect(hex(input)).toBe(v.signatureInput);
      const pair = s.crypto_sign_seed_keypair(bytes(v.signerSeed));
      expect(hex(s.crypto_sign_detached(input, pair.privateKey))).toBe(v.signature);
      expect(s.crypto_sign_verify_detached(bytes(v.signature), input, bytes(v.signerPublicKey))).toBe(true);
    }
  });

  it('should tie the signers to the frozen keys: the reply to the recipient seed, the answer to the receipt code', () => {
    const [reply, answer] = vectors.signedMessages;
    expect(reply!.signerSeed).toBe(vectors.recipientFromSeed.signSeed);
    expect(reply!.signerPublicKey).toBe(vectors.recipientFromSeed.signPublicKey);
    expect(answer!.signerSeed).toBe(vectors.mailbox[0]!.signSeed);
    expect(answer!.signerPublicKey).toBe(vectors.mailbox[0]!.signPublicKey);
  });

  it('should encrypt each frozen signed plaintext to the frozen body under its format 2 additional data', () => {
    for (const v of vectors.signedMessages) {
      const body = encryptBody(s, bytes(v.plaintext), bytes(v.key), bytes(v.nonce), v2ctx(v.place));
      expect(hex(body), v.place.kind).toBe(v.body);
      expect(body).toHaveLength(24 + 512 + 16);
      expect(hex(openBody(s, body, bytes(v.key), v2ctx(v.place)))).toBe(v.plaintext);
    }
  });

  it('should open each frozen body, once its key is sealed to a reader, as verified by the right signer', () => {
    const reader = recipientKeysFromSeed(s, seedOf(7));
    for (const v of vectors.signedMessages) {
      const sealed = s.crypto_box_seal(bytes(v.key), reader.box.publicKey);
      const lookup: SignerLookup = (signer, author) => (signer === v.signer && author === v.place.author ? bytes(v.signerPublicKey) : null);
      expect(openThreadMessage(s, bytes(v.body), sealed, reader.box, placeOf(v.place), lookup)).toEqual({
        text: v.message.text,
        lang: v.message.lang,
        verified: true,
        signer: v.signer,
        format: 2,
      });
    }
  });

  it('should derive the frozen administrator key: Argon2id13, then crypto_kdf "bzadmin_" id 1, then Ed25519', () => {
    const a = vectors.readerList.admin;
    const kdf = { salt: bytes(a.salt), opsLimit: a.opsLimit, memLimit: a.memLimit };
    expect(hex(s.crypto_pwhash(32, a.normalized, kdf.salt, a.opsLimit, a.memLimit, s.crypto_pwhash_ALG_ARGON2ID13))).toBe(a.argon2Seed);
    expect(hex(s.crypto_kdf_derive_from_key(32, 1, 'bzadmin_', bytes(a.argon2Seed)))).toBe(a.signSeed);
    expect(hex(s.crypto_sign_seed_keypair(bytes(a.signSeed)).publicKey)).toBe(a.publicKey);
    const admin = deriveAdminKey(s, a.passphrase, kdf);
    expect(hex(admin.publicKey)).toBe(a.publicKey);
    expect(toB64(s, admin.publicKey)).toBe(a.publicKeyB64);
    // Typed like a receipt code: the same normalisation forgives case, spaces and look-alikes.
    expect(hex(deriveAdminKey(s, a.passphrase.toLowerCase().replace(/-/g, ' '), kdf).publicKey)).toBe(a.publicKey);
  });

  it('should sign the frozen reader list statement (readers sorted by key id) to the frozen signature', () => {
    const v = vectors.readerList;
    const admin = s.crypto_sign_seed_keypair(bytes(v.admin.signSeed));
    const readers: ListedReader[] = v.readers.map((r) => {
      const k = recipientKeysFromSeed(s, bytes(r.seed));
      expect(k.keyId).toBe(r.keyId);
      return { keyId: k.keyId, role: r.role as ListedReader['role'], label: r.label, boxPk: toB64(s, k.box.publicKey), signPk: toB64(s, k.sign.publicKey), recipient: r.recipient };
    });
    // Given in reverse key id order: signReaderList sorts, so the text does not depend on the order.
    const signed = signReaderList(s, { v: 1, facility: v.facility, issued: v.issued, readers: [...readers].reverse() }, admin.privateKey);
    expect(signed).toEqual({ statement: v.statement, signature: v.signature });
    expect(hex(fromB64(s, v.signature))).toBe(v.signatureHex);
    expect(hex(s.crypto_sign_detached(utf8(`buzon.readers.v1\n${v.statement}`), admin.privateKey))).toBe(v.signatureHex);
    const list = JSON.parse(v.statement) as ReaderList;
    expect(list.readers.map((r) => r.keyId)).toEqual([...readers.map((r) => r.keyId)].sort());
  });

  it('should verify the frozen reader list against the frozen administrator key, and list the reply vector\'s signer as a retired monitor', () => {
    const v = vectors.readerList;
    const list = verifyReaderListOrThrow({ statement: v.statement, signature: v.signature }, bytes(v.admin.publicKey), v.facility);
    expect(list).toEqual(JSON.parse(v.statement));
    const monitor = list.readers.find((r) => r.keyId === vectors.signedMessages[0]!.signer)!;
    expect(monitor).toMatchObject({ role: 'monitor', recipient: false });
    expect(hex(fromB64(s, monitor.signPk))).toBe(vectors.signedMessages[0]!.signerPublicKey);
    // Retired: no longer sealed to, still a valid signer of what it wrote.
    expect(listedRecipients(s, list, ['monitor', 'official']).map((r) => r.keyId)).toEqual(['7485d1f5122c6fd1']);
    expect(hex(listedSigner(s, list)(monitor.keyId, 'monitor')!)).toBe(vectors.signedMessages[0]!.signerPublicKey);
    expect(listedSigner(s, list)(monitor.keyId, 'official')).toBeNull();
  });
});

/** verifyReaderList for a list that must verify. */
function verifyReaderListOrThrow(signed: SignedReaderList, adminPk: Uint8Array, facility: string): ReaderList {
  const list = verifyReaderList(s, signed, adminPk, facility);
  if (!list) throw new Error('the reader list did not verify');
  return list;
}

describe('signed thread messages: what does not verify', () => {
  const reportId = '5f3a9c0e7b2d4c6f8a1e0b9d7c5a3e1f';
  const facilityId = 'planta-uno';
  let admin: { publicKey: Uint8Array; privateKey: Uint8Array };
  let monitorA: RecipientKeys;
  let monitorB: RecipientKeys;
  let official: RecipientKeys;
  let retired: RecipientKeys;
  let mailbox: MailboxKeys;
  let list: ReaderList;
  /** As the follow-up page and the console build it: the mailbox key for `mailbox`, a listed reader of the author's role otherwise. */
  let lookup: SignerLookup;
  const newId = () => hex(s.randombytes_buf(16));
  const place = (kind: MessagePlace['kind'], author: AuthorRole, messageId = newId()): MessagePlace => ({ reportId, messageId, facilityId, kind, author });
  const asReader = (k: RecipientKeys) => ({ id: k.keyId, signPrivateKey: k.sign.privateKey });
  const asMailbox = () => ({ id: MAILBOX_SIGNER, signPrivateKey: mailbox.sign.privateKey });
  const everyone = () => [
    { keyId: MAILBOX_SIGNER, boxPublicKey: mailbox.box.publicKey },
    ...[monitorA, monitorB, official].map((k) => ({ keyId: k.keyId, boxPublicKey: k.box.publicKey })),
  ];
  /** Opens with the mailbox's pair (keys[0]) under `at`, as the worker's page would. */
  /** Opens with the mailbox pair (keys[0]) under `at`, in a case from before the format 2 cut-over. */
  const openAt = (e: Envelope, at: MessagePlace) => openThreadMessage(s, e.body, e.keys[0]!.sealed, mailbox.box, at, lookup, { receivedDay: '2026-11-20', day: '2026-11-25' });
  /** Opens with monitor A's pair (keys[1]) under `at`, as the console would. */
  const openAsMonitor = (e: Envelope, at: MessagePlace) => openThreadMessage(s, e.body, e.keys[1]!.sealed, monitorA.box, at, lookup);
  /** Seals an arbitrary plaintext in format 2 under `at`: what anyone holding the public keys can do. */
  const sealRaw = (plain: Uint8Array, at: MessagePlace) => sealEnvelope(s, plain, { version: 2, ...at }, everyone());
  const text = 'Gracias por escribir. ¿Sigue ocurriendo? — ñ';
  const message = { text, lang: 'es' };
  const unverified = { text, lang: 'es', verified: false, signer: undefined, format: 2 };

  beforeAll(() => {
    admin = s.crypto_sign_seed_keypair(seedOf(0xad));
    [monitorA, monitorB, official, retired] = [1, 2, 3, 4].map((b) => recipientKeysFromSeed(s, seedOf(b))) as [RecipientKeys, RecipientKeys, RecipientKeys, RecipientKeys];
    mailbox = deriveMailbox(s, 'K0TR-1PMX-7Q4D-N1B0-W8ZE');
    const entry = (k: RecipientKeys, role: ListedReader['role'], label: string, recipient = true): ListedReader => ({
      keyId: k.keyId, role, label, boxPk: toB64(s, k.box.publicKey), signPk: toB64(s, k.sign.publicKey), recipient,
    });
    const signed = signReaderList(s, {
      v: 1, facility: facilityId, issued: '2026-02-01T00:00:00.000Z',
      readers: [entry(monitorA, 'monitor', 'A'), entry(monitorB, 'monitor', 'B'), entry(official, 'official', 'C'), entry(retired, 'monitor', 'D', false)],
    }, admin.privateKey);
    list = verifyReaderListOrThrow(signed, admin.publicKey, facilityId);
    const readers = listedSigner(s, list);
    lookup = (signer, author) => (signer === MAILBOX_SIGNER ? mailbox.sign.publicKey : readers(signer, author));
  });

  it('should verify the genuine cases: a reply, an official\'s note, the worker\'s answer and a retired reader\'s old reply', () => {
    const reply = place('reply', 'monitor');
    expect(openAt(sealSignedMessage(s, message, reply, asReader(monitorA), everyone()), reply)).toEqual({ ...unverified, verified: true, signer: monitorA.keyId });
    const note = place('note', 'official');
    expect(openAsMonitor(sealSignedMessage(s, message, note, asReader(official), everyone()), note)).toEqual({ ...unverified, verified: true, signer: official.keyId });
    const answer = place('answer', 'worker');
    expect(openAsMonitor(sealSignedMessage(s, message, answer, asMailbox(), everyone()), answer)).toEqual({ ...unverified, verified: true, signer: MAILBOX_SIGNER });
    const old = place('reply', 'monitor');
    expect(openAt(sealSignedMessage(s, message, old, asReader(retired), everyone()), old)).toEqual({ ...unverified, verified: true, signer: retired.keyId });
  });

  it('should carry an answer\'s files inside the signed content, and not verify them once changed', () => {
    const files = [{ id: newId(), name: 'documento-1.pdf', type: 'application/pdf', size: 120, chunks: 1, header: 'aGVhZGVy', key: 'a2V5', cleaned: false, format: 2 }];
    const answer = place('answer', 'worker');
    const plain = signedPlaintext(s, { ...message, attachments: files }, answer, asMailbox());
    // The field comes after the signer, and only when there are files: plain answers keep their bytes.
    expect(new TextDecoder().decode(plain.subarray(64))).toBe(JSON.stringify({ v: 2, text, lang: 'es', signer: MAILBOX_SIGNER, attachments: files }));
    expect(signedPlaintext(s, { ...message, attachments: [] }, answer, asMailbox())).toEqual(signedPlaintext(s, message, answer, asMailbox()));
    expect(openAsMonitor(sealRaw(plain, answer), answer)).toEqual({ ...unverified, attachments: files, verified: true, signer: MAILBOX_SIGNER });
    // Someone holding only public keys swaps in another file key: the content no longer verifies.
    const content = new TextDecoder().decode(plain.subarray(64)).replace('a2V5', 'b3Rybw');
    const forged = new Uint8Array([...plain.subarray(0, 64), ...new TextEncoder().encode(content)]);
    expect(openAsMonitor(sealRaw(forged, answer), answer)!.verified).toBe(false);
  });

  it('should not verify a reply signed with another reader\'s key under monitor A\'s key id', () => {
    const at = place('reply', 'monitor');
    const forged = sealSignedMessage(s, message, at, { id: monitorA.keyId, signPrivateKey: monitorB.sign.privateKey }, everyone());
    expect(openAt(forged, at)).toEqual(unverified);
  });

  it('should not verify a message signed by a listed reader of another role', () => {
    // An official's key, the message labelled (in the AD, as signed) as a monitor's reply.
    const asMonitor = place('reply', 'monitor');
    expect(openAt(sealSignedMessage(s, message, asMonitor, asReader(official), everyone()), asMonitor)).toEqual(unverified);
    // A monitor writing as the authority.
    const asOfficial = place('reply', 'official');
    expect(openAt(sealSignedMessage(s, message, asOfficial, asReader(monitorA), everyone()), asOfficial)).toEqual(unverified);
    const note = place('note', 'official');
    expect(openAsMonitor(sealSignedMessage(s, message, note, asReader(monitorB), everyone()), note)).toEqual(unverified);
  });

  it('should not verify a reader key that claims to be the mailbox, or the mailbox writing as a reader', () => {
    // A monitor's reply whose signer field says "mailbox": a reader's message is never the mailbox's.
    const reply = place('reply', 'monitor');
    expect(openAt(sealSignedMessage(s, message, reply, { id: MAILBOX_SIGNER, signPrivateKey: monitorA.sign.privateKey }, everyone()), reply)).toEqual(unverified);
    // A monitor forging the worker's answer: signer "mailbox", author worker, the monitor's key.
    const answer = place('answer', 'worker');
    expect(openAsMonitor(sealSignedMessage(s, message, answer, { id: MAILBOX_SIGNER, signPrivateKey: monitorA.sign.privateKey }, everyone()), answer)).toEqual(unverified);
    // The genuine mailbox key, but as a monitor's reply, or on a worker "reply" instead of an answer.
    expect(openAt(sealSignedMessage(s, message, reply, asMailbox(), everyone()), reply)).toEqual(unverified);
    const workerReply = place('reply', 'worker');
    expect(openAt(sealSignedMessage(s, message, workerReply, asMailbox(), everyone()), workerReply)).toEqual(unverified);
    // And a reader's own key id on an answer.
    expect(openAt(sealSignedMessage(s, message, answer, asReader(monitorA), everyone()), answer)).toEqual(unverified);
  });

  it('should not verify a genuine signature made for another report id, message id or facility, re-sealed here', () => {
    const here = place('reply', 'monitor');
    for (const elsewhere of [
      { ...here, reportId: '00000000000000000000000000000001' },
      { ...here, messageId: '00000000000000000000000000000002' },
      { ...here, facilityId: 'planta-dos' },
    ]) {
      // A signed plaintext taken from another message (a recipient can read it) and sealed under this place.
      const plain = signedPlaintext(s, message, elsewhere, asReader(monitorA));
      expect(openAt(sealRaw(plain, here), here), JSON.stringify(elsewhere)).toEqual(unverified);
      // Where it was signed for, the same bytes verify.
      expect(openAt(sealRaw(plain, elsewhere), elsewhere)).toMatchObject({ verified: true, signer: monitorA.keyId });
    }
  });

  it('should not open a message whose author role was relabelled by whoever stores it (null, not unverified)', () => {
    const at = place('reply', 'monitor');
    const e = sealSignedMessage(s, message, at, asReader(monitorA), everyone());
    expect(openAt(e, { ...at, author: 'official' })).toBeNull();
    expect(openAt(e, { ...at, author: 'worker' })).toBeNull();
    const answer = place('answer', 'worker');
    const a = sealSignedMessage(s, message, answer, asMailbox(), everyone());
    expect(openAsMonitor(a, { ...answer, author: 'monitor' })).toBeNull();
    expect(openAsMonitor(a, answer)).toMatchObject({ verified: true });
  });

  it('should not open a message whose kind was swapped (answer ↔ reply, reply ↔ note)', () => {
    const answer = place('answer', 'worker');
    const a = sealSignedMessage(s, message, answer, asMailbox(), everyone());
    expect(openAsMonitor(a, { ...answer, kind: 'reply' })).toBeNull();
    const reply = place('reply', 'monitor');
    const r = sealSignedMessage(s, message, reply, asReader(monitorA), everyone());
    expect(openAsMonitor(r, { ...reply, kind: 'answer' })).toBeNull();
    expect(openAsMonitor(r, { ...reply, kind: 'note' })).toBeNull();
  });

  it('should not open a message moved to another report, message id or facility', () => {
    const at = place('reply', 'monitor');
    const e = sealSignedMessage(s, message, at, asReader(monitorA), everyone());
    expect(openAt(e, { ...at, reportId: '00000000000000000000000000000001' })).toBeNull();
    expect(openAt(e, { ...at, messageId: newId() })).toBeNull();
    expect(openAt(e, { ...at, facilityId: 'planta-dos' })).toBeNull();
  });

  it('should not verify a message with one byte of the signature changed, re-sealed so that it opens', () => {
    const at = place('reply', 'monitor');
    const plain = signedPlaintext(s, message, at, asReader(monitorA));
    for (const i of [0, 31, 63]) expect(openAt(sealRaw(flip(plain, i), at), at), String(i)).toEqual(unverified);
  });

  it('should not verify a message with its content changed, and show the changed text only as unverified', () => {
    const at = place('reply', 'monitor');
    const plain = signedPlaintext(s, message, at, asReader(monitorA));
    const content = fromUtf8(plain.subarray(SIGNATURE_BYTES));
    const tampered = concat(plain.subarray(0, SIGNATURE_BYTES), utf8(content.replace('Gracias', 'Gracioz')));
    expect(openAt(sealRaw(tampered, at), at)).toEqual({ ...unverified, text: text.replace('Gracias', 'Gracioz') });
    // One flipped bit in the signed bytes (the "v" digit 2 → 3 still parses as JSON).
    const at0 = SIGNATURE_BYTES + content.indexOf('2');
    expect(openAt(sealRaw(flip(plain, at0), at), at)).toEqual(unverified);
    // The signer field changed to another listed monitor: the signature is not B's.
    const relabelled = concat(plain.subarray(0, SIGNATURE_BYTES), utf8(content.replace(monitorA.keyId, monitorB.keyId)));
    expect(openAt(sealRaw(relabelled, at), at)).toEqual(unverified);
  });

  it('should not open a sealed message with a flipped byte in the body, and return null for plaintexts that are not a signed message', () => {
    const at = place('reply', 'monitor');
    const e = sealSignedMessage(s, message, at, asReader(monitorA), everyone());
    expect(openAt({ ...e, body: flip(e.body, 24 + 10) }, at)).toBeNull();
    expect(openAt(sealRaw(utf8('not json'), at), at)).toBeNull();
    expect(openAt(sealRaw(new Uint8Array(10), at), at)).toBeNull();
  });

  it('should verify nothing when no reader list verified (lookup knows no one)', () => {
    const at = place('reply', 'monitor');
    const e = sealSignedMessage(s, message, at, asReader(monitorA), everyone());
    expect(openThreadMessage(s, e.body, e.keys[0]!.sealed, mailbox.box, at, () => null)).toEqual(unverified);
  });

  it('should open a format 1 message as unverified format 1, even one "from the authority" (the downgrade)', () => {
    const at = place('reply', 'official');
    const v1 = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text, lang: 'es' })), { kind: 'message', reportId, messageId: at.messageId, facilityId }, everyone());
    expect(openAt(v1, at)).toEqual({ text, lang: 'es', verified: false, format: 1 });
    // Format 1 binds neither kind nor author: relabelled, it still opens, and is still never verified.
    expect(openAt(v1, { ...at, kind: 'note', author: 'monitor' })).toEqual({ text, lang: 'es', verified: false, format: 1 });
    // A valid format 2 signed plaintext sealed as format 1 does not turn into a verified message.
    const signed = signedPlaintext(s, message, at, asReader(official));
    const wrapped = sealEnvelope(s, signed, { kind: 'message', reportId, messageId: at.messageId, facilityId }, everyone());
    expect(openAt(wrapped, at)).toBeNull();
    // But it is still bound to its report and message id.
    expect(openAt(v1, { ...at, messageId: newId() })).toBeNull();
  });

  it('should check the signature only against the place the reader rebuilt (readSignedPlaintext)', () => {
    const at = place('note', 'official');
    const plain = signedPlaintext(s, message, at, asReader(official));
    expect(readSignedPlaintext(s, plain, at, lookup)).toEqual({ ...unverified, verified: true, signer: official.keyId });
    expect(readSignedPlaintext(s, plain, { ...at, messageId: newId() }, lookup)).toEqual(unverified);
    expect(readSignedPlaintext(s, plain, { ...at, kind: 'reply' }, lookup)).toEqual(unverified);
  });
});

describe('reports in format 2', () => {
  const place = { reportId: '5f3a9c0e7b2d4c6f8a1e0b9d7c5a3e1f', facilityId: 'planta-uno' };
  const plain = utf8(JSON.stringify({ v: 1, text: 'reporte', mailbox: { boxPk: 'x', signPk: 'y' } }));
  let reader: RecipientKeys;
  beforeAll(() => {
    reader = recipientKeysFromSeed(s, seedOf(9));
  });

  it('should seal reports as format 2 (kind report, author worker) and still open format 1 reports', () => {
    const to = [{ keyId: reader.keyId, boxPublicKey: reader.box.publicKey }];
    const e = sealReport(s, plain, place, to);
    expect(openReport(s, e.body, e.keys[0]!.sealed, reader.box, place)).toEqual({ plain, format: 2 });
    const key = s.crypto_box_seal_open(e.keys[0]!.sealed, reader.box.publicKey, reader.box.privateKey);
    expect(() => openBody(s, e.body, key, { version: 2, kind: 'report', author: 'worker', reportId: place.reportId, messageId: place.reportId, facilityId: place.facilityId })).not.toThrow();
    const v1 = sealEnvelope(s, plain, { kind: 'report', reportId: place.reportId, messageId: place.reportId, facilityId: place.facilityId }, to);
    expect(openReport(s, v1.body, v1.keys[0]!.sealed, reader.box, place, '2026-11-20')).toEqual({ plain, format: 1 });
    expect(() => openReport(s, e.body, e.keys[0]!.sealed, reader.box, { ...place, facilityId: 'planta-dos' })).toThrow();
  });

  it('should not open a report as a thread message, nor a thread message as a report', () => {
    const to = [{ keyId: reader.keyId, boxPublicKey: reader.box.publicKey }];
    const e = sealReport(s, plain, place, to);
    const asMessage: MessagePlace = { reportId: place.reportId, messageId: place.reportId, facilityId: place.facilityId, kind: 'answer', author: 'worker' };
    expect(openThreadMessage(s, e.body, e.keys[0]!.sealed, reader.box, asMessage, () => null)).toBeNull();
    const m = sealSignedMessage(s, { text: 'x', lang: 'es' }, asMessage, { id: MAILBOX_SIGNER, signPrivateKey: reader.sign.privateKey }, to);
    expect(() => openReport(s, m.body, m.keys[0]!.sealed, reader.box, place)).toThrow();
  });
});

describe('signed reader lists: what does not verify', () => {
  const facility = 'planta-uno';
  let admin: { publicKey: Uint8Array; privateKey: Uint8Array };
  let readers: ListedReader[];
  let signed: SignedReaderList;
  const entry = (k: RecipientKeys, role: ListedReader['role'], label: string, recipient = true): ListedReader => ({
    keyId: k.keyId, role, label, boxPk: toB64(s, k.box.publicKey), signPk: toB64(s, k.sign.publicKey), recipient,
  });
  const sign = (rs: ListedReader[], f = facility, key = admin.privateKey) => signReaderList(s, { v: 1, facility: f, issued: '2026-02-01T00:00:00.000Z', readers: rs }, key);
  const verify = (x: SignedReaderList | null | undefined, f = facility, pk = admin.publicKey) => verifyReaderList(s, x, pk, f);
  /** Re-signs a hand-edited statement with the real administrator key: a list the administrator signed, but malformed. */
  const signText = (statement: string) => ({ statement, signature: toB64(s, s.crypto_sign_detached(utf8(`buzon.readers.v1\n${statement}`), admin.privateKey)) });

  beforeAll(() => {
    admin = s.crypto_sign_seed_keypair(seedOf(0xa1));
    readers = [entry(recipientKeysFromSeed(s, seedOf(11)), 'monitor', 'Monitor A'), entry(recipientKeysFromSeed(s, seedOf(12)), 'official', 'Autoridad', false)];
    signed = sign(readers);
  });

  it('should verify the genuine list', () => {
    expect(verify(signed)?.readers.map((r) => r.keyId)).toEqual(readers.map((r) => r.keyId).sort());
    expect(verify(signText(signed.statement))).not.toBeNull();
  });

  it('should refuse a statement changed after signing (a label, a role, a recipient flag)', () => {
    expect(verify({ ...signed, statement: signed.statement.replace('Monitor A', 'Monitor B') })).toBeNull();
    expect(verify({ ...signed, statement: signed.statement.replace('"official"', '"monitor"') })).toBeNull();
    expect(verify({ ...signed, statement: signed.statement.replace('"recipient":false', '"recipient":true') })).toBeNull();
    expect(verify({ ...signed, statement: `${signed.statement} ` })).toBeNull();
  });

  it('should refuse a rogue reader appended to the statement', () => {
    const list = JSON.parse(signed.statement) as ReaderList;
    list.readers.push(entry(recipientKeysFromSeed(s, seedOf(66)), 'official', 'Intruso'));
    expect(verify({ ...signed, statement: JSON.stringify(list) })).toBeNull();
  });

  it('should refuse a list for another facility, whether checked for the wrong facility or signed for another one', () => {
    expect(verify(signed, 'planta-dos')).toBeNull();
    const other = sign(readers, 'planta-dos');
    expect(verify(other, 'planta-dos')).not.toBeNull();
    expect(verify(other, facility)).toBeNull();
  });

  it('should refuse a list, even signed by the administrator, with a key id that is not its box key\'s', () => {
    const k = recipientKeysFromSeed(s, seedOf(13));
    expect(verify(sign([{ ...entry(k, 'monitor', 'X'), keyId: readers[0]!.keyId }]))).toBeNull();
    // The box key of one reader with the signing key of another is allowed only because its key id is its own.
    expect(keyIdOf(s, fromB64(s, readers[0]!.boxPk))).toBe(readers[0]!.keyId);
  });

  it('should refuse a list, even signed by the administrator, with a key id twice', () => {
    expect(verify(sign([readers[0]!, { ...readers[0]!, role: 'official', label: 'otra vez' }]))).toBeNull();
    expect(verify(sign([readers[0]!, readers[0]!]))).toBeNull();
  });

  it('should refuse a list, even signed by the administrator, with a malformed entry', () => {
    const r = readers[0]!;
    const text = (x: unknown) => signText(JSON.stringify({ v: 1, facility, issued: '2026-02-01T00:00:00.000Z', readers: [x] }));
    expect(verify(text(r))).not.toBeNull();
    expect(verify(text({ ...r, role: 'admin' }))).toBeNull();
    expect(verify(text({ ...r, recipient: 'yes' }))).toBeNull();
    expect(verify(text({ ...r, label: 7 }))).toBeNull();
    expect(verify(text({ ...r, signPk: toB64(s, new Uint8Array(31)) }))).toBeNull();
    expect(verify(text({ ...r, boxPk: `${r.boxPk}=` }))).toBeNull();
    expect(verify(text(null))).toBeNull();
    expect(verify(signText(JSON.stringify({ v: 2, facility, issued: 'x', readers: [r] })))).toBeNull();
    expect(verify(signText(JSON.stringify({ v: 1, facility, issued: 'x', readers: {} })))).toBeNull();
    expect(verify(signText('not json'))).toBeNull();
  });

  it('should refuse a list signed by another administrator key, or with its signature damaged or missing', () => {
    const rogue = s.crypto_sign_seed_keypair(seedOf(0xee));
    expect(verify(sign(readers, facility, rogue.privateKey))).toBeNull();
    expect(verify(sign(readers, facility, rogue.privateKey), facility, rogue.publicKey)).not.toBeNull();
    expect(verify(signed, facility, rogue.publicKey)).toBeNull();
    expect(verify({ ...signed, signature: toB64(s, flip(fromB64(s, signed.signature), 5)) })).toBeNull();
    expect(verify({ ...signed, signature: toB64(s, fromB64(s, signed.signature).subarray(0, 63)) })).toBeNull();
    expect(verify({ ...signed, signature: `${signed.signature}==` })).toBeNull();
    expect(verify({ ...signed, signature: '' })).toBeNull();
    expect(verify(null)).toBeNull();
    expect(verify(undefined)).toBeNull();
    expect(verify({ statement: signed.statement } as SignedReaderList)).toBeNull();
  });

  it('should refuse a reader-list signature used as a message signature, and the other way round', () => {
    // Domain separation: "buzon.readers.v1\n" and "buzon.message.v2\n" never sign the same bytes.
    const sig = fromB64(s, signed.signature);
    expect(s.crypto_sign_verify_detached(sig, utf8(signed.statement), admin.publicKey)).toBe(false);
    expect(s.crypto_sign_verify_detached(sig, utf8(`buzon.readers.v1\n${signed.statement}`), admin.publicKey)).toBe(true);
  });
});
