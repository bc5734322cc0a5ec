/**
 * ARCHITECTURE.md, "Where things live", held against the code: SQL only in src/storage/, crypto
 * steps only in src/crypto/, zod (the HTTP shapes) only in src/contract/ and src/openapi/. What
 * still breaks a rule is listed by name below, so the lists can only shrink: an entry that no
 * longer breaks its rule fails the test until it is removed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Files that still run their own SQL outside src/storage/ (issue 24: trends/ to become pure computation over rows). */
const SQL_OUTSIDE_STORAGE = ['src/scheduled.ts', 'src/trends/counters.ts', 'src/trends/queries.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|tsx|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The code without its comments, so a doc line that names a primitive or a statement is no hit. */
const code = (path: string) =>
  readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');

/** A D1 statement: `.prepare(`, or SQL written out in a string or template. */
const SQL = /\.prepare\(|\bSELECT\b[\s\S]{1,400}?\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b/;
/** A libsodium primitive called (`s.crypto_generichash(`), or WebCrypto. Constants (`crypto_auth_BYTES`) are not steps. */
const CRYPTO = /\bcrypto_[a-z0-9_]+\s*\(|\bcrypto\.subtle\b/;
const ZOD = /from 'zod'/;

const hits = (files: string[], rule: RegExp) => files.filter((f) => rule.test(code(f)));

const src = sourceFiles('src');
const scripts = sourceFiles('scripts');

describe('architecture', () => {
  it('should keep SQL in src/storage/, apart from the files listed', () => {
    const outside = hits(
      src.filter((f) => !f.startsWith('src/storage/')),
      SQL,
    );
    expect(outside.sort()).toEqual(SQL_OUTSIDE_STORAGE);
  });

  it('should find the SQL it looks for (the rule is no dead letter)', () => {
    expect(hits(['src/storage/reports.ts', 'src/storage/audit.ts', 'src/storage/digests.ts'], SQL)).toHaveLength(3);
    expect(SQL.test("db.prepare('SELECT 1 AS found FROM reports WHERE id = ?1')")).toBe(true);
    expect(SQL.test('`UPDATE recipients SET last_digest_day = ?2`')).toBe(true);
    expect(SQL.test('<select name="planta">')).toBe(false);
  });

  it('should keep every crypto step (libsodium or WebCrypto) in src/crypto/, for the Worker, the pages and the scripts', () => {
    expect(hits([...src.filter((f) => !f.startsWith('src/crypto/')), ...scripts], CRYPTO)).toEqual([]);
  });

  it('should find the crypto it looks for (the rule is no dead letter)', () => {
    expect(hits(['src/crypto/challenge.ts', 'src/crypto/audit-hash.ts', 'src/crypto/digest.ts'], CRYPTO)).toHaveLength(3);
    expect(CRYPTO.test('s.crypto_generichash(32, body, null)')).toBe(true);
    expect(CRYPTO.test('key.length !== s.crypto_auth_KEYBYTES')).toBe(false);
  });

  it('should declare HTTP shapes with zod only in src/contract/ and src/openapi/', () => {
    expect(
      hits(
        src.filter((f) => !f.startsWith('src/contract/') && !f.startsWith('src/openapi/')),
        ZOD,
      ),
    ).toEqual([]);
  });
});
