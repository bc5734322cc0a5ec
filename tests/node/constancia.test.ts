/**
 * The constancia (proof of filing) against its frozen vectors (tests/fixtures/constancia-vectors.json,
 * the values in docs/crypto.md "Constancia"), and every way one must fail to verify.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import {
  constanciaCheck,
  constanciaCommitment,
  constanciaKeyFromCode,
  constanciaKeypair,
  constanciaOpens,
  constanciaSignatureInput,
  deriveMailbox,
  fromB64,
  signConstancia,
  toB64,
  verifyConstancia,
  type Sodium,
} from '../../src/crypto';
import vectors from '../fixtures/constancia-vectors.json';

let s: Sodium;
let server: { publicKey: Uint8Array; privateKey: Uint8Array };
const [first, second] = vectors.constancias as [(typeof vectors.constancias)[0], (typeof vectors.constancias)[0]];

beforeAll(async () => {
  s = await loadNodeSodium();
  server = constanciaKeypair(s, vectors.serverSeedB64);
});

/** The text with one part replaced (0 prefix, 1 facility, 2 day, 3 commitment, 4 signature). */
const withPart = (text: string, i: number, value: string) => text.split('.').map((p, j) => (j === i ? value : p)).join('.');

describe('constancia vectors', () => {
  it('should derive the server key from its seed', () => {
    expect(s.to_hex(server.publicKey)).toBe(vectors.publicKey);
    expect(toB64(s, server.publicKey)).toBe(vectors.publicKeyB64);
  });

  it('should derive the key, check, commitment, signature and text of each vector', () => {
    for (const v of vectors.constancias) {
      const key = constanciaKeyFromCode(s, v.code);
      expect(s.to_hex(key)).toBe(v.constanciaKey);
      expect(constanciaCheck(s, key)).toBe(v.check);
      const commitment = constanciaCommitment(s, key, v.reportId);
      expect(s.to_hex(commitment)).toBe(v.commitment);
      const st = { facility: v.facility, day: v.day, commitment };
      expect(s.to_hex(constanciaSignatureInput(st))).toBe(v.signatureInput);
      expect(signConstancia(s, st, server.privateKey)).toBe(v.text);
    }
  });

  it('should forgive how the code was typed, like the mailbox does', () => {
    expect(s.to_hex(constanciaKeyFromCode(s, 'ko tr Ipmx 7q4d nlbO w8ze'))).toBe(first.constanciaKey);
  });

  it('should verify each vector and open it with its own code and report only', () => {
    const st = verifyConstancia(s, first.text, server.publicKey);
    expect(st).toMatchObject({ facility: 'planta-uno', day: '2026-01-15' });
    expect(constanciaOpens(s, st!, constanciaKeyFromCode(s, first.code), first.reportId)).toBe(true);
    expect(constanciaOpens(s, st!, constanciaKeyFromCode(s, second.code), first.reportId)).toBe(false);
    expect(constanciaOpens(s, st!, constanciaKeyFromCode(s, first.code), second.reportId)).toBe(false);
  });

  it('should give two reports of one plant and day constancias that differ only in the commitment and its signature', () => {
    const a = first.text.split('.');
    const b = second.text.split('.');
    expect(a.slice(0, 3)).toEqual(b.slice(0, 3));
    expect(a[3]).not.toBe(b[3]);
    expect(a[4]).not.toBe(b[4]);
  });

  it('should keep the check, the commitment and the mailbox id apart', () => {
    const key = constanciaKeyFromCode(s, first.code);
    const mailbox = deriveMailbox(s, first.code);
    const commitment = s.to_hex(constanciaCommitment(s, key, first.reportId));
    const check = s.to_hex(fromB64(s, constanciaCheck(s, key)));
    for (const other of [check, mailbox.mailboxId, s.to_hex(mailbox.sign.publicKey), s.to_hex(mailbox.box.publicKey), first.reportId]) {
      expect(commitment.includes(other.slice(0, 16))).toBe(false);
    }
  });

  it('should read a constancia a phone or a printer broke over lines', () => {
    const broken = ` ${first.text.slice(0, 40)}\n${first.text.slice(40, 100)}\r\n  ${first.text.slice(100)} \n`;
    expect(verifyConstancia(s, broken, server.publicKey)).not.toBeNull();
  });
});

describe('constancia negative cases', () => {
  const invalid = (text: string, key = server.publicKey) => expect(verifyConstancia(s, text, key)).toBeNull();

  it('should refuse another day', () => {
    invalid(withPart(first.text, 2, '2026-01-16'));
    invalid(withPart(first.text, 2, '2026-01-14'));
  });

  it('should refuse another plant', () => {
    invalid(withPart(first.text, 1, 'planta-dos'));
    invalid(withPart(first.text, 1, 'planta-unoo'));
  });

  it('should refuse any flipped bit of the commitment or the signature', () => {
    for (const part of [3, 4]) {
      const bytes = fromB64(s, first.text.split('.')[part]!);
      for (let i = 0; i < bytes.length; i++) {
        const flipped = bytes.slice();
        flipped[i] = flipped[i]! ^ (1 << (i % 8));
        invalid(withPart(first.text, part, toB64(s, flipped)));
      }
    }
  });

  it('should refuse the text with any one character changed', () => {
    for (let i = 0; i < first.text.length; i++) {
      const ch = first.text[i]!;
      const other = ch === 'A' ? 'B' : ch === '.' ? '-' : 'A';
      invalid(first.text.slice(0, i) + other + first.text.slice(i + 1));
    }
  });

  it('should refuse a signature by another key, and the right text under another key', () => {
    const other = s.crypto_sign_seed_keypair(new Uint8Array(32).fill(9));
    const key = constanciaKeyFromCode(s, first.code);
    const forged = signConstancia(s, { facility: 'planta-uno', day: '2026-01-15', commitment: constanciaCommitment(s, key, first.reportId) }, other.privateKey);
    invalid(forged);
    invalid(first.text, other.publicKey);
    invalid(first.text, new Uint8Array(31));
  });

  it('should refuse the commitment and signature swapped between two constancias', () => {
    invalid(withPart(first.text, 4, second.text.split('.')[4]!));
    invalid(withPart(first.text, 3, second.text.split('.')[3]!));
  });

  it('should refuse other formats, non-canonical encodings, impossible days and bad plants', () => {
    invalid(withPart(first.text, 0, 'BZC2'));
    invalid(`${first.text}.extra`);
    invalid(first.text.split('.').slice(0, 4).join('.'));
    invalid('');
    const sig = first.text.split('.')[4]!;
    // 64 bytes in 86 characters leave 4 unused bits in the last one: a set bit there is another spelling.
    const last = sig.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    invalid(withPart(first.text, 4, sig.slice(0, -1) + alphabet[alphabet.indexOf(last) | 1]!));
    invalid(withPart(first.text, 4, `${sig}==`));
    const commitment = fromB64(s, first.text.split('.')[3]!);
    for (const [facility, day] of [['planta-uno', '2026-02-30'], ['planta-uno', '2026-1-15'], ['Planta-Uno', '2026-01-15'], ['planta.uno', '2026-01-15']] as const) {
      expect(() => constanciaSignatureInput({ facility, day, commitment })).toThrow();
    }
    expect(() => constanciaCommitment(s, constanciaKeyFromCode(s, first.code), 'abcd')).toThrow();
    expect(() => constanciaKeypair(s, 'AAAA')).toThrow();
  });
});

describe('npm run constancia:verify, offline', () => {
  const cli = async (args: string[]) => {
    const { execFile } = await import('node:child_process');
    return new Promise<{ code: number; out: string }>((resolve) =>
      execFile('npx', ['tsx', 'scripts/constancia-verify.ts', ...args], (error, stdout) => resolve({ code: error ? (error.code as number) : 0, out: stdout })),
    );
  };

  it('should say valid, for this plant, on this day, with the published key; and not valid once changed', async () => {
    const ok = await cli([first.text, '--key', vectors.publicKeyB64]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('valid: a report was filed for plant planta-uno, released to its readers on 2026-01-15 (offline');
    // Offline there is no name to show: it says what the id is and where the name is (issue 23).
    expect(ok.out).toContain(`"planta-uno" is the plant's id on the Buzón that signed it, not its name`);
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const file = `${mkdtempSync('/tmp/constancia-')}/constancia.txt`;
    writeFileSync(file, `Constancia de presentación:\n${first.text}\n`);
    expect((await cli([file, '--key', vectors.publicKeyB64])).code).toBe(0);
    const bad = await cli([withPart(first.text, 2, '2026-01-16'), '--key', vectors.publicKeyB64]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('NOT valid');
    expect((await cli([first.text, '--key', toB64(s, new Uint8Array(32).fill(1))])).code).toBe(1);
    expect((await cli([])).code).toBe(2);
  }, 60_000);
});
