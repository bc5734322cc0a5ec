/**
 * The envelope against an independent libsodium binding: Debian's python3-nacl (PyNaCl) must open
 * what Node seals and seal what Node opens, rebuilding the format from docs/crypto.md on its own
 * (tests/fixtures/crosscheck.py). Uses /usr/bin/python3 on purpose: a pyenv python on PATH has no nacl.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import {
  SEALED_KEY_BYTES,
  additionalData,
  deriveMailbox,
  fromB64,
  fromUtf8,
  newReceiptCode,
  openEnvelope,
  paddedLength,
  recipientKeysFromSeed,
  sealEnvelope,
  toB64,
  utf8,
  type EnvelopeContext,
  type MailboxKeys,
  type RecipientKeys,
  type Sodium,
} from '../../src/crypto';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../fixtures/crosscheck.py', import.meta.url));

interface PythonResult {
  nacl: string;
  recipient: { keyId: string; boxPublicKey: string; signPublicKey: string };
  report: { additionalData: string; paddedLength: number; sealedLength: number; plaintext: string };
  mailbox: { normalized: string; mailboxId: string; boxPublicKey: string; signPublicKey: string };
  reverse: { body: string; sealed: string };
}

/** The Python run, or why it could not happen, which every test then fails with (never skips). */
let outcome: PythonResult | Error;
let s: Sodium;
let dir: string | undefined;
let recipient: RecipientKeys;
let mailbox: MailboxKeys;
let receiptCode: string;

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
  const input = {
    recipientSeed: s.to_hex(seed),
    // Typed the way a person might: lowercase, spaces for dashes, o for 0 and l for 1.
    receiptCode: receiptCode.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l'),
    report: { ...context(reportCtx), body: toB64(s, envelope.body), sealed: toB64(s, envelope.keys[0]!.sealed) },
    reverse: { ...context(reverseCtx), plaintext: reverseText },
  };
  const inputPath = join(dir, 'input.json');
  writeFileSync(inputPath, JSON.stringify(input));
  return JSON.parse(execFileSync(PYTHON, ['-I', SCRIPT, inputPath], { encoding: 'utf8' })) as PythonResult;
}

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
