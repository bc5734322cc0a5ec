/**
 * The envelope against an independent libsodium binding: Debian's python3-nacl (PyNaCl) must open
 * what Node seals and seal what Node opens, rebuilding the format from docs/crypto.md on its own
 * (tests/fixtures/crosscheck.py). Uses /usr/bin/python3 on purpose: a pyenv python on PATH has no nacl.
 * Format 2: Python verifies a reader list and a signed reply Node made, reproduces the frozen
 * format 2 vectors, and signs an answer with the mailbox key that Node must open as verified.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import {
  MAILBOX_SIGNER,
  SEALED_KEY_BYTES,
  additionalData,
  deriveMailbox,
  fromB64,
  fromUtf8,
  listedSigner,
  newReceiptCode,
  openEnvelope,
  openThreadMessage,
  paddedLength,
  recipientKeysFromSeed,
  sealEnvelope,
  sealSignedMessage,
  signReaderList,
  toB64,
  utf8,
  verifyReaderList,
  type EnvelopeContext,
  type MailboxKeys,
  type MessagePlace,
  type ReaderList,
  type RecipientKeys,
  type SignedReaderList,
  type SignerLookup,
  type Sodium,
} from '../../src/crypto';
import vectors from '../fixtures/crypto-vectors.json';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../fixtures/crosscheck.py', import.meta.url));
const VECTORS = fileURLToPath(new URL('../fixtures/crypto-vectors.json', import.meta.url));

interface SealedByPython {
  body: string;
  keys: Array<{ keyId: string; sealed: string }>;
}
interface PythonV2 {
  readerList: { verified: boolean; keyIds: string[] };
  tamperedLists: boolean[];
  mailboxId: string;
  reply: { additionalData: string; content: string; message: { v: number; text: string; lang: string; signer: string }; verified: boolean; signerPublicKey: string | null };
  answer: SealedByPython;
  relabelled: SealedByPython;
  vectors: {
    additionalData: string[];
    signedMessages: Array<{ signerPublicKey: string; content: string; signature: string; plaintext: string; body: string }>;
    readerList: { argon2Seed: string; adminPublicKey: string; statement: string; signature: string };
  };
}

interface PythonResult {
  nacl: string;
  recipient: { keyId: string; boxPublicKey: string; signPublicKey: string };
  report: { additionalData: string; paddedLength: number; sealedLength: number; plaintext: string };
  mailbox: { normalized: string; mailboxId: string; boxPublicKey: string; signPublicKey: string };
  reverse: { body: string; sealed: string };
  v2: PythonV2;
}

/** The Python run, or why it could not happen, which every test then fails with (never skips). */
let outcome: PythonResult | Error;
let s: Sodium;
let dir: string | undefined;
let recipient: RecipientKeys;
let mailbox: MailboxKeys;
let receiptCode: string;
/** Format 2: an administrator, a retired official beside the recipient (a monitor), and their signed list. */
let admin: { publicKey: Uint8Array; privateKey: Uint8Array };
let retiredOfficial: RecipientKeys;
let signedList: SignedReaderList;
let list: ReaderList;
let tamperedLists: SignedReaderList[];
const replyPlace: MessagePlace = { reportId: '', messageId: '', facilityId: 'planta-uno', kind: 'reply', author: 'monitor' };
const answerPlace: MessagePlace = { reportId: '', messageId: '', facilityId: 'planta-uno', kind: 'answer', author: 'worker' };
const replyText = 'Gracias por su reporte. ¿En qué turno? — Monitor, firmado en Node';
const answerText = 'Respuesta firmada en Python con el buzón: turno de noche — ñ';

const report = { v: 1, facility: 'planta-uno', text: 'Amenazas en la línea 3 — ñ', when: 'this_week', categories: ['harassment'] };
const reportCtx: EnvelopeContext = { kind: 'report', reportId: '', messageId: '', facilityId: 'planta-uno' };
const reverseCtx: EnvelopeContext = { kind: 'message', reportId: '', messageId: '', facilityId: 'planta-uno' };
const reverseText = JSON.stringify({ v: 1, text: 'Respuesta desde Python: ¿seguimos? — sí', lang: 'es' });

function python(): PythonResult {
  if (outcome instanceof Error) throw outcome;
  return outcome;
}

function requirePyNaCl(): void {
  try {
    execFileSync(PYTHON, ['-I', '-c', 'import nacl'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(
      `${PYTHON} cannot import nacl (Debian's python3-nacl), which the crypto cross-check needs: run \`npm run test:deps\`.\n${String(error)}`,
    );
  }
}

/** Seals a report in Node and hands Python only what a reader would have: bytes, ids and the seed. */
function runCrosscheck(): PythonResult {
  requirePyNaCl();
  dir = mkdtempSync(join(tmpdir(), 'buzon-crosscheck-'));
  const seed = s.randombytes_buf(32);
  recipient = recipientKeysFromSeed(s, seed);
  receiptCode = newReceiptCode(s);
  mailbox = deriveMailbox(s, receiptCode);
  reportCtx.reportId = reportCtx.messageId = s.to_hex(s.randombytes_buf(16));
  reverseCtx.reportId = reportCtx.reportId;
  reverseCtx.messageId = s.to_hex(s.randombytes_buf(16));
  const envelope = sealEnvelope(s, utf8(JSON.stringify(report)), reportCtx, [{ keyId: recipient.keyId, boxPublicKey: recipient.box.publicKey }]);
  const context = (c: EnvelopeContext) => ({ kind: c.kind, reportId: c.reportId, messageId: c.messageId, facility: c.facilityId });
  const v2 = formatTwoInput();
  const input = {
    recipientSeed: s.to_hex(seed),
    // Typed the way a person might: lowercase, spaces for dashes, o for 0 and l for 1.
    receiptCode: receiptCode.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l'),
    report: { ...context(reportCtx), body: toB64(s, envelope.body), sealed: toB64(s, envelope.keys[0]!.sealed) },
    reverse: { ...context(reverseCtx), plaintext: reverseText },
    v2,
  };
  const inputPath = join(dir, 'input.json');
  writeFileSync(inputPath, JSON.stringify(input));
  return JSON.parse(execFileSync(PYTHON, ['-I', SCRIPT, inputPath], { encoding: 'utf8' })) as PythonResult;
}

/** Format 2 inputs: a list signed by a fresh administrator, a reply signed by the recipient and sealed to the mailbox. */
function formatTwoInput() {
  admin = s.crypto_sign_keypair();
  retiredOfficial = recipientKeysFromSeed(s, s.randombytes_buf(32));
  const entry = (k: RecipientKeys, role: 'monitor' | 'official', label: string, active: boolean) => ({
    keyId: k.keyId, role, label, boxPk: toB64(s, k.box.publicKey), signPk: toB64(s, k.sign.publicKey), recipient: active,
  });
  signedList = signReaderList(s, {
    v: 1, facility: 'planta-uno', issued: new Date().toISOString(),
    readers: [entry(recipient, 'monitor', 'Monitora — Ñ', true), entry(retiredOfficial, 'official', 'Inspección', false)],
  }, admin.privateKey);
  list = verifyReaderList(s, signedList, admin.publicKey, 'planta-uno')!;
  replyPlace.reportId = answerPlace.reportId = reportCtx.reportId;
  replyPlace.messageId = s.to_hex(s.randombytes_buf(16));
  answerPlace.messageId = s.to_hex(s.randombytes_buf(16));
  const reply = sealSignedMessage(s, { text: replyText, lang: 'es' }, replyPlace, { id: recipient.keyId, signPrivateKey: recipient.sign.privateKey }, [
    { keyId: MAILBOX_SIGNER, boxPublicKey: mailbox.box.publicKey },
    { keyId: recipient.keyId, boxPublicKey: recipient.box.publicKey },
  ]);
  const statement = JSON.parse(signedList.statement) as ReaderList;
  const rogue = recipientKeysFromSeed(s, s.randombytes_buf(32));
  const withRogue = { ...statement, readers: [...statement.readers, entry(rogue, 'official', 'Intruso', true)] };
  const place = (p: MessagePlace) => ({ kind: p.kind, author: p.author, reportId: p.reportId, messageId: p.messageId, facility: p.facilityId });
  // Each must fail in Python as in Node: a changed label, a rogue reader appended, another administrator's signature.
  tamperedLists = [
    { ...signedList, statement: signedList.statement.replace('Monitora', 'Monitor') },
    { ...signedList, statement: JSON.stringify(withRogue) },
    signReaderList(s, statement, s.crypto_sign_keypair().privateKey),
  ];
  return {
    vectorsFile: VECTORS,
    adminPublicKey: s.to_hex(admin.publicKey),
    facility: 'planta-uno',
    readerList: signedList,
    tamperedLists,
    // The same code as pasted from a phone: byte order mark, en dashes, a zero-width joiner.
    receiptCode: `\ufeff${receiptCode.replace(/-/g, '\u2013')}\u200d`,
    reply: { ...place(replyPlace), body: toB64(s, reply.body), sealed: toB64(s, reply.keys[0]!.sealed) },
    answer: { ...place(answerPlace), text: answerText, lang: 'es' },
  };
}

/** As the console builds it: the listed reader of the author's role, or the mailbox key from the sealed report. */
const consoleLookup = (): SignerLookup => {
  const readers = listedSigner(s, list);
  return (signer, author) => (signer === MAILBOX_SIGNER ? mailbox.sign.publicKey : readers(signer, author));
};
/** Opens what Python sealed with the sealed key tagged `keyId`, as that key's holder. */
const openFromPython = (sealed: SealedByPython, keyId: string, pair: { publicKey: Uint8Array; privateKey: Uint8Array }, at: MessagePlace) => {
  const key = sealed.keys.find((k) => k.keyId === keyId);
  if (!key) throw new Error(`Python sealed nothing to ${keyId}`);
  return openThreadMessage(s, fromB64(s, sealed.body), fromB64(s, key.sealed), pair, at, consoleLookup());
};

beforeAll(async () => {
  s = await loadNodeSodium();
  try {
    outcome = runCrosscheck();
  } catch (error) {
    outcome = error instanceof Error ? error : new Error(String(error));
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('crypto cross-check with PyNaCl', () => {
  it('should run against PyNaCl 1.5 or later', () => {
    const [major, minor] = python().nacl.split('.').map(Number);
    expect(major! > 1 || (major === 1 && minor! >= 5)).toBe(true);
  });

  it('should derive the same recipient keys and key id from the seed in Python', () => {
    expect(python().recipient).toEqual({
      keyId: recipient.keyId,
      boxPublicKey: s.to_hex(recipient.box.publicKey),
      signPublicKey: s.to_hex(recipient.sign.publicKey),
    });
  });

  it('should rebuild in Python, from the spec, the additional data Node bound the body to', () => {
    expect(python().report.additionalData).toBe(s.to_hex(additionalData(s, reportCtx)));
  });

  it('should open in Python the report Node sealed, with the non-ASCII text intact', () => {
    const opened = python().report;
    expect(opened.sealedLength).toBe(SEALED_KEY_BYTES);
    expect(opened.paddedLength).toBe(paddedLength(utf8(JSON.stringify(report)).length));
    expect(opened.plaintext).toBe(JSON.stringify(report));
    expect(JSON.parse(opened.plaintext)).toEqual(report);
  });

  it('should derive the same mailbox id and keys in Python from the typed receipt code', () => {
    expect(python().mailbox).toEqual({
      normalized: receiptCode.replace(/-/g, ''),
      mailboxId: mailbox.mailboxId,
      boxPublicKey: s.to_hex(mailbox.box.publicKey),
      signPublicKey: s.to_hex(mailbox.sign.publicKey),
    });
  });

  it('should open in Node a message Python sealed to the recipient', () => {
    const body = fromB64(s, python().reverse.body);
    const sealed = fromB64(s, python().reverse.sealed);
    expect(sealed).toHaveLength(SEALED_KEY_BYTES);
    expect(fromUtf8(openEnvelope(s, body, sealed, recipient.box, reverseCtx))).toBe(reverseText);
  });

  it('should refuse in Node the message Python sealed when it is moved to another kind or report', () => {
    const body = fromB64(s, python().reverse.body);
    const sealed = fromB64(s, python().reverse.sealed);
    expect(() => openEnvelope(s, body, sealed, recipient.box, { ...reverseCtx, kind: 'report' })).toThrow();
    expect(() => openEnvelope(s, body, sealed, recipient.box, { ...reverseCtx, reportId: reverseCtx.messageId })).toThrow();
  });
});

describe('format 2 cross-check with PyNaCl', () => {
  it('should verify in Python the reader list Node signed, and refuse it tampered, extended or signed by another key', () => {
    expect(python().v2.readerList).toEqual({ verified: true, keyIds: list.readers.map((r) => r.keyId) });
    expect(python().v2.tamperedLists).toEqual([false, false, false]);
    // And Node agrees on each.
    expect(tamperedLists).toHaveLength(3);
    for (const tampered of tamperedLists) expect(verifyReaderList(s, tampered, admin.publicKey, 'planta-uno')).toBeNull();
  });

  it('should derive in Python the mailbox from the code as pasted from a phone (BOM, en dashes, zero-width joiner)', () => {
    expect(python().v2.mailboxId).toBe(mailbox.mailboxId);
  });

  it('should open in Python, as the mailbox, the reply Node signed and sealed, and verify it with the signer\'s listed key', () => {
    const reply = python().v2.reply;
    expect(reply.additionalData).toBe(s.to_hex(additionalData(s, { version: 2, ...replyPlace })));
    expect(reply.message).toEqual({ v: 2, text: replyText, lang: 'es', signer: recipient.keyId });
    expect(reply.signerPublicKey).toBe(s.to_hex(recipient.sign.publicKey));
    expect(reply.verified).toBe(true);
  });

  it('should reproduce in Python, from the spec, the frozen format 2 vectors', () => {
    const v = python().v2.vectors;
    expect(v.additionalData).toEqual(vectors.additionalDataV2.map((x) => x.hex));
    expect(v.signedMessages).toEqual(
      vectors.signedMessages.map((m) => ({ signerPublicKey: m.signerPublicKey, content: m.content, signature: m.signature, plaintext: m.plaintext, body: m.body })),
    );
    expect(v.readerList).toEqual({
      argon2Seed: vectors.readerList.admin.argon2Seed,
      adminPublicKey: vectors.readerList.admin.publicKey,
      statement: vectors.readerList.statement,
      signature: vectors.readerList.signature,
    });
  });

  it('should open in Node, as verified, the answer Python signed with the mailbox key and sealed to the mailbox and the listed recipients', () => {
    const answer = python().v2.answer;
    // Sealed to the mailbox and the active listed reader, not to the retired one.
    expect(answer.keys.map((k) => k.keyId)).toEqual([MAILBOX_SIGNER, recipient.keyId]);
    const expected = { text: answerText, lang: 'es', verified: true, signer: MAILBOX_SIGNER, format: 2 };
    expect(openFromPython(answer, recipient.keyId, recipient.box, answerPlace)).toEqual(expected);
    expect(openFromPython(answer, MAILBOX_SIGNER, mailbox.box, answerPlace)).toEqual(expected);
    // The worker's page, which derives the mailbox key itself, verifies it too.
    const page: SignerLookup = (signer) => (signer === MAILBOX_SIGNER ? mailbox.sign.publicKey : null);
    const key = answer.keys[0]!;
    expect(openThreadMessage(s, fromB64(s, answer.body), fromB64(s, key.sealed), mailbox.box, answerPlace, page)).toEqual(expected);
  });

  it('should not verify the Python answer against another mailbox, nor under another message id', () => {
    const answer = python().v2.answer;
    const other = deriveMailbox(s, newReceiptCode(s));
    const key = answer.keys.find((k) => k.keyId === recipient.keyId)!;
    const otherLookup: SignerLookup = (signer) => (signer === MAILBOX_SIGNER ? other.sign.publicKey : null);
    expect(openThreadMessage(s, fromB64(s, answer.body), fromB64(s, key.sealed), recipient.box, answerPlace, otherLookup)).toEqual({
      text: answerText, lang: 'es', verified: false, signer: undefined, format: 2,
    });
    expect(openFromPython(answer, recipient.keyId, recipient.box, { ...answerPlace, messageId: s.to_hex(s.randombytes_buf(16)) })).toBeNull();
  });

  it('should refuse in Node the Python answer whose additional data says author official instead of worker', () => {
    const relabelled = python().v2.relabelled;
    // Read as the worker's answer (what it claims to be), it does not open at all.
    expect(openFromPython(relabelled, recipient.keyId, recipient.box, answerPlace)).toBeNull();
    expect(openFromPython(relabelled, MAILBOX_SIGNER, mailbox.box, answerPlace)).toBeNull();
    // Read under the label it was encrypted with, it opens, and is not verified: the signature covers author worker.
    expect(openFromPython(relabelled, recipient.keyId, recipient.box, { ...answerPlace, author: 'official' })).toEqual({
      text: answerText, lang: 'es', verified: false, signer: undefined, format: 2,
    });
  });
});
