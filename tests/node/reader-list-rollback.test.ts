/**
 * The CLI's rollback baseline (issue 26 §5): whoever writes D1 puts back an older signed reader list
 * of a plant (one from before a monitor was taken away) and adds that monitor again. The list in D1
 * then "approves" the monitor, so without a baseline of its own the next admin command would sign it
 * in. The administrator's file keeps the issue date and hash of the last list signed for each plant
 * of each database, and the CLI compares D1's list with that.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAdminFile, loadAdminKey } from '../../scripts/lib/admin-key';
import { databaseTarget, localName } from '../../scripts/lib/d1-target';
import { QUIET_WRANGLER } from '../../scripts/lib/dev-server';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import { resignReaderLists } from '../../scripts/lib/reader-lists';
import { recipientKeysFromSeed, toB64, verifyReaderList } from '../../src/crypto';

const run = promisify(execFile);

describe('reader list rollback', () => {
  it('should refuse to sign when D1 holds an older list than the last one signed, and name it', async () => {
    const s = await loadNodeSodium();
    const dir = await mkdtemp(join(tmpdir(), 'buzon-rollback-'));
    await run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], { env: { ...process.env, ...QUIET_WRANGLER } });
    const file = join(dir, 'admin.txt');
    createAdminFile(s, file);
    const admin = loadAdminKey(s, file);
    const platform = await openLocalPlatform(dir);
    try {
      const db = platform.env.DB;
      const target = databaseTarget(db, localName(dir));
      const monitor = (seed: number, label: string) => {
        const k = recipientKeysFromSeed(s, new Uint8Array(32).fill(seed));
        return db
          .prepare(
            `INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem) VALUES (?1, 'monitor', ?2, ?3, ?4, 'c2FsdA', 2, 67108864)`,
          )
          .bind(k.keyId, label, toB64(s, k.box.publicKey), toB64(s, k.sign.publicKey));
      };
      const keyOf = (seed: number) => recipientKeysFromSeed(s, new Uint8Array(32).fill(seed)).keyId;
      await db.batch([
        db.prepare("INSERT INTO facilities (id, name, short_code) VALUES ('planta-r', 'Planta R', 'prr')"),
        monitor(1, 'Neutral'),
        monitor(2, 'Empresa'),
        db.prepare("INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, 'planta-r'), (?2, 'planta-r')").bind(keyOf(1), keyOf(2)),
      ]);
      // The first list (both monitors), approved as a new plant's first readers.
      await resignReaderLists(s, target, admin, { yes: true, now: new Date('2026-12-01T10:00:00Z') });
      const first = (await db
        .prepare("SELECT statement, signature FROM reader_lists WHERE facility_id = 'planta-r'")
        .first<{ statement: string; signature: string }>())!;
      // The company's monitor is taken off the plant; the administrator signs the new list.
      await db.prepare('DELETE FROM recipient_facilities WHERE key_id = ?1').bind(keyOf(2)).run();
      await resignReaderLists(s, target, admin, { now: new Date('2026-12-05T10:00:00Z') });

      // The attack: the older signed list put back, and the monitor added again.
      await db.batch([
        db.prepare("UPDATE reader_lists SET statement = ?1, signature = ?2 WHERE facility_id = 'planta-r'").bind(first.statement, first.signature),
        db.prepare("INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, 'planta-r')").bind(keyOf(2)),
      ]);
      // Any later admin command re-signs: it must not take the old list's word for who was approved.
      await db.prepare("UPDATE facilities SET mail_send_to = 'monitor' WHERE id = 'planta-r'").run();
      const outcome = await resignReaderLists(s, target, admin, { now: new Date('2026-12-07T10:00:00Z') });
      expect(outcome.unapproved.join('\n')).toMatch(
        /reader list of planta-r: D1 holds one issued 2026-12-01T10:00:00.000Z, not the last one signed here \(issued 2026-12-05T10:00:00.000Z\)/,
      );
      const now = (await db
        .prepare("SELECT statement, signature FROM reader_lists WHERE facility_id = 'planta-r'")
        .first<{ statement: string; signature: string }>())!;
      expect(now.statement).toBe(first.statement); // nothing signed
      expect(verifyReaderList(s, now, admin.publicKey, 'planta-r')?.readers.map((r) => r.keyId)).toContain(keyOf(2));
      // What the administrator's file keeps: the last list signed for this plant of this database.
      expect(await readFile(file, 'utf8')).toMatch(/\nlist \S+ planta-r 2026-12-05T10:00:00.000Z [0-9a-f]{64}\n/);
    } finally {
      await platform.dispose();
    }
  }, 300_000);
});
