/**
 * The constancia against an independent libsodium binding: Debian's python3-nacl rebuilds the
 * frozen vectors from docs/crypto.md alone (tests/fixtures/constancia_crosscheck.py), verifies and
 * opens constancias Node signed, refuses tampered ones, and signs one that Node verifies.
 * Uses /usr/bin/python3 on purpose (see crypto-python.test.ts); fails, never skips, without nacl.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import {
  constanciaCommitment,
  constanciaKeyFromCode,
  constanciaKeypair,
  constanciaOpens,
  newReceiptCode,
  signConstancia,
  verifyConstancia,
  type Sodium,
} from '../../src/crypto';
import vectors from '../fixtures/constancia-vectors.json';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../fixtures/constancia_crosscheck.py', import.meta.url));

interface PythonResult {
  publicKey: string;
  vectors: Array<{ constanciaKey: string; check: string; commitment: string; signatureInput: string; text: string; verifies: boolean }>;
  node: Array<{ verifies: boolean; facility: string | null; day: string | null; opens: boolean }>;
  tampered: boolean[];
  signed: string;
}

let s: Sodium;
let dir: string;
let result: PythonResult;
let node: Array<{ code: string; reportId: string; text: string }>;
let serverKey: { publicKey: Uint8Array; privateKey: Uint8Array };
const pythonSeed = new Uint8Array(32).fill(0x5a);
const pythonSigns = { facility: 'demo-silao', day: '2026-12-03', code: '', reportId: '' };

beforeAll(async () => {
  s = await loadNodeSodium();
  serverKey = constanciaKeypair(s, vectors.serverSeedB64.replace('ICEi', 'ICEj')); // another server key than the vectors'
  node = ['demo-silao', 'planta-uno'].map((facility, i) => {
    const code = newReceiptCode(s);
    const reportId = s.to_hex(s.randombytes_buf(16));
    const commitment = constanciaCommitment(s, constanciaKeyFromCode(s, code), reportId);
    return { code, reportId, text: signConstancia(s, { facility, day: `2026-12-0${i + 1}`, commitment }, serverKey.privateKey) };
  });
  const t = node[0]!.text;
  const tampered = [
    t.replace('2026-12-01', '2026-12-02'),
    t.replace('demo-silao', 'demo-leon'),
    t.slice(0, 60) + (t[60] === 'A' ? 'B' : 'A') + t.slice(61),
    t.slice(0, -2) + (t.at(-2) === 'A' ? 'B' : 'A') + t.at(-1),
    t.split('.').slice(0, 4).join('.') + '.' + node[1]!.text.split('.')[4],
  ];
  pythonSigns.code = newReceiptCode(s);
  pythonSigns.reportId = s.to_hex(s.randombytes_buf(16));
  dir = mkdtempSync(join(tmpdir(), 'buzon-constancia-'));
  const input = join(dir, 'input.json');
  writeFileSync(input, JSON.stringify({ vectors, node, tampered, publicKey: s.to_hex(serverKey.publicKey), sign: { ...pythonSigns, seed: s.to_hex(pythonSeed) } }));
  execFileSync(PYTHON, ['-I', '-c', 'import nacl']);
  result = JSON.parse(execFileSync(PYTHON, ['-I', SCRIPT, input], { encoding: 'utf8' })) as PythonResult;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('constancia cross-check with PyNaCl', () => {
  it('should rebuild every frozen vector from the document', () => {
    expect(result.publicKey).toBe(vectors.publicKey);
    result.vectors.forEach((v, i) => {
      const want = vectors.constancias[i]!;
      expect(v).toEqual({ constanciaKey: want.constanciaKey, check: want.check, commitment: want.commitment, signatureInput: want.signatureInput, text: want.text, verifies: true });
    });
  });

  it('should verify and open with its receipt code what Node signed', () => {
    expect(result.node).toEqual([
      { verifies: true, facility: 'demo-silao', day: '2026-12-01', opens: true },
      { verifies: true, facility: 'planta-uno', day: '2026-12-02', opens: true },
    ]);
  });

  it('should refuse another day, another plant, a changed character and a borrowed signature', () => {
    expect(result.tampered).toEqual([false, false, false, false, false]);
  });

  it('should sign a constancia that Node verifies and opens', () => {
    const publicKey = s.crypto_sign_seed_keypair(pythonSeed).publicKey;
    const st = verifyConstancia(s, result.signed, publicKey);
    expect(st).toMatchObject({ facility: 'demo-silao', day: '2026-12-03' });
    expect(constanciaOpens(s, st!, constanciaKeyFromCode(s, pythonSigns.code), pythonSigns.reportId)).toBe(true);
    expect(verifyConstancia(s, result.signed, serverKey.publicKey)).toBeNull();
  });
});
