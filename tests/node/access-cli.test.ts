/**
 * The admin CLI's access commands against a real local D1 (wrangler's state in a temporary
 * directory): `keys handover` opens every case of a rotated key with its passphrase and seals it to
 * the new key (audited, the chain still verifying), leaving out what the new key may not read; and
 * `keys recovery` makes a plant's recovery key whose card alone opens its cases (`npm run decrypt`)
 * and hands them to a new monitor.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUIET_WRANGLER } from '../../scripts/lib/dev-server';
import { configuredAdminKey } from '../../scripts/lib/admin-key';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import { recoveryCodeIn } from '../../scripts/lib/recovery-card';
import { unapprovedChanges } from '../../scripts/lib/reader-lists';
import {
  deriveRecipientKeys,
  deriveRecoveryKey,
  deriveMailbox,
  fromB64,
  fromUtf8,
  newReceiptCode,
  openReport,
  openThreadMessage,
  sealReport,
  sealSignedMessage,
  toB64,
  utf8,
  verifyReaderList,
  type RecipientKeys,
  type Sodium,
} from '../../src/crypto';
import { getSealed } from '../../src/storage/blobs';
import { verifyAuditChain } from '../../src/storage/audit';
import { storeMessage } from '../../src/storage/messages';
import { storeReport } from '../../src/storage/reports';

const run = promisify(execFile);
const quiet = { env: { ...process.env, ...QUIET_WRANGLER } };
let dir: string;
let s: Sodium;
const keysCli = (...args: string[]) => run('npx', ['tsx', 'scripts/keys.ts', ...args, '--persist-to', dir], quiet);

async function withDb<T>(fn: (env: Awaited<ReturnType<typeof openLocalPlatform>>['env']) => Promise<T>): Promise<T> {
  const platform = await openLocalPlatform(dir);
  try {
    return await fn(platform.env);
  } finally {
    await platform.dispose();
  }
}

/** keygen + register; returns the reader's derived keys and a passphrase file. */
async function reader(label: string, facility: string): Promise<{ keys: RecipientKeys; file: string }> {
  const card = join(dir, `${label}.json`);
  const { stderr } = await run('npx', ['tsx', 'scripts/keys.ts', 'keygen', '--role', 'monitor', '--label', label, '--out', card]);
  const passphrase = stderr.match(/\n {4}([0-9A-Z-]{24})\n/)![1]!;
  const saved = JSON.parse(await readFile(card, 'utf8'));
  await keysCli('register', '--card', card, '--facility', facility);
  const file = join(dir, `${label}.pass`);
  await writeFile(file, `${passphrase}\n`);
  return { keys: deriveRecipientKeys(s, passphrase, { salt: fromB64(s, saved.kdf.salt), opsLimit: saved.kdf.ops, memLimit: saved.kdf.mem }), file };
}

/** A released web report sealed to the given keys, with a reply and a note by `author`, as the Worker stores them. */
async function storedCase(facility: string, to: Array<{ keyId: string; boxPublicKey: Uint8Array }>, author: RecipientKeys, text: string) {
  const id = s.to_hex(s.randombytes_buf(16));
  const mailbox = deriveMailbox(s, newReceiptCode(s));
  const e = sealReport(s, utf8(JSON.stringify({ v: 1, channel: 'web', facility, description: text, sendTo: 'monitor' })), { reportId: id, facilityId: facility }, to);
  await withDb(async (env) => {
    await storeReport(s, env.DB, env.BLOBS, {
      id,
      facilityId: facility,
      channel: 'web',
      sendTo: 'monitor',
      categories: ['intimidation'],
      receivedDay: '2026-11-30',
      releaseAt: '2026-11-30T07',
      mailbox: { id: mailbox.mailboxId, boxPk: toB64(s, mailbox.box.publicKey), signPk: toB64(s, mailbox.sign.publicKey) },
      body: e.body,
      bodyDigest: toB64(s, s.crypto_generichash(32, e.body, null)),
      keys: e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })),
    });
    for (const kind of ['reply', 'note'] as const) {
      const messageId = s.to_hex(s.randombytes_buf(16));
      const m = sealSignedMessage(s, { text: `${kind}: ${text}`, lang: 'es' }, { reportId: id, messageId, facilityId: facility, kind, author: 'monitor' }, { id: author.keyId, signPrivateKey: author.sign.privateKey }, [{ keyId: author.keyId, boxPublicKey: author.box.publicKey }]);
      await storeMessage(s, env.DB, env.BLOBS, { reportId: id, id: messageId, kind, authorRole: 'monitor', authorKey: author.keyId, day: '2026-11-30', releaseAt: '2026-11-30T07', sendTo: 'monitor', body: m.body, keys: m.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) });
    }
  });
  return id;
}

/** What `keyId` can open of a case, with `box`: the report's text and its messages' texts. */
async function opens(id: string, facility: string, who: { keyId: string; box: RecipientKeys['box'] }, signer: RecipientKeys) {
  return withDb(async (env) => {
    const rows = (await env.DB.prepare(
      `SELECT w.message_id AS messageId, w.sealed, m.kind, coalesce(m.body_key, r.body_key) AS bodyKey
         FROM wrapped_keys w JOIN reports r ON r.id = w.report_id LEFT JOIN messages m ON m.id = w.message_id WHERE w.report_id = ?1 AND w.key_id = ?2 ORDER BY m.seq`,
    ).bind(id, who.keyId).all<{ messageId: string; sealed: string; kind: string | null; bodyKey: string }>()).results;
    const out: string[] = [];
    for (const r of rows) {
      const body = (await getSealed(s, env.DB, env.BLOBS, r.bodyKey))!;
      if (!r.kind) out.push(JSON.parse(fromUtf8(openReport(s, body, fromB64(s, r.sealed), who.box, { reportId: id, facilityId: facility }).plain)).description);
      else {
        const place = { reportId: id, messageId: r.messageId, facilityId: facility, kind: r.kind as 'reply' | 'note', author: 'monitor' as const };
        const m = openThreadMessage(s, body, fromB64(s, r.sealed), who.box, place, (k) => (k === signer.keyId ? signer.sign.publicKey : null));
        out.push(`${m?.text}${m?.verified ? ' ✓' : ''}`);
      }
    }
    return out;
  });
}

beforeAll(async () => {
  s = await loadNodeSodium();
  dir = await mkdtemp(join(tmpdir(), 'buzon-access-'));
  await run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], quiet);
  for (const [id, email] of [['planta-a', 'pa'], ['planta-b', 'pb']]) {
    await keysCli('facility', '--id', id!, '--name', `Planta ${id}`, '--short', id!, '--email', email!, '--state', 'Coahuila', '--municipality', 'Saltillo', '--sector', 'auto_parts', '--yes');
  }
}, 600_000);

describe('keys handover', () => {
  it('should seal every case of the old key to the new one, audited, and leave out what the new key may not read', async () => {
    const oldKey = await reader('Vieja', 'planta-a');
    const newKey = await reader('Nueva', 'planta-a');
    const elsewhere = await reader('Otra', 'planta-b');
    const id = await storedCase('planta-a', [{ keyId: oldKey.keys.keyId, boxPublicKey: oldKey.keys.box.publicKey }], oldKey.keys, 'caso de la llave vieja');
    expect(await opens(id, 'planta-a', newKey.keys, oldKey.keys)).toEqual([]);

    // A wrong passphrase opens nothing and changes nothing.
    await expect(keysCli('handover', '--from', oldKey.keys.keyId, '--to', newKey.keys.keyId, '--passphrase-file', newKey.file)).rejects.toThrow(/not the passphrase of/);
    // Another plant's monitor may not read planta-a's cases: left out.
    const { stdout: out1 } = await keysCli('handover', '--from', oldKey.keys.keyId, '--to', elsewhere.keys.keyId, '--passphrase-file', oldKey.file);
    expect(out1).toMatch(/handed over 0 cases[\s\S]*left out 1 cases/);
    expect(await opens(id, 'planta-a', elsewhere.keys, oldKey.keys)).toEqual([]);

    // Share squatting (issue 26 §3): someone gave the new key garbage for the report first.
    await withDb((env) =>
      env.DB.prepare('INSERT INTO wrapped_keys (report_id, message_id, key_id, sealed) VALUES (?1, ?1, ?2, ?3)').bind(id, newKey.keys.keyId, toB64(s, s.crypto_box_seal(s.randombytes_buf(32), newKey.keys.box.publicKey))).run(),
    );
    const { stdout } = await keysCli('handover', '--from', oldKey.keys.keyId, '--to', newKey.keys.keyId, '--passphrase-file', oldKey.file);
    expect(stdout).toMatch(/handed over 1 cases \(3 keys\)/);
    expect(stdout).toMatch(/1 of those keys went beside a key/);
    // The messages' keys are the new key's own; the report's went beside the garbage, and decrypt tries each copy.
    expect((await opens(id, 'planta-a', newKey.keys, oldKey.keys).catch(() => ['garbage first'])).slice(0, 1)).toEqual(['garbage first']);
    const { stdout: decrypted } = await run('npx', ['tsx', 'scripts/decrypt-reports.ts', '--passphrase-file', newKey.file, '--persist-to', dir, '--report', id, '--json'], quiet);
    expect(JSON.parse(decrypted.trim().split('\n').pop()!).report.description).toBe('caso de la llave vieja');
    await withDb(async (env) => {
      const audit = await env.DB.prepare("SELECT actor, role, detail FROM audit_log WHERE action = 'handover' AND report_id = ?1").bind(id).all();
      expect(audit.results).toEqual([{ actor: oldKey.keys.keyId, role: 'monitor', detail: `to:${newKey.keys.keyId} keys:3 alongside:1` }]);
      expect(await verifyAuditChain(env.DB, s)).toEqual({ ok: true, entries: expect.any(Number) });
    });
  }, 180_000);

  it('should pass on only a key that opens its message: garbage shared to the old key first is refused, the genuine copy beside it goes', async () => {
    const oldKey = await reader('Compartida', 'planta-a');
    const newKey = await reader('Receptora', 'planta-a');
    const id = await storedCase('planta-a', [{ keyId: oldKey.keys.keyId, boxPublicKey: oldKey.keys.box.publicKey }], oldKey.keys, 'caso compartido');
    // The old key got this case by a share, and garbage was shared to it first: its own row holds a
    // random key that unseals with its box but opens nothing; the genuine key lies beside it.
    await withDb(async (env) => {
      const genuine = (await env.DB.prepare('SELECT sealed FROM wrapped_keys WHERE report_id = ?1 AND message_id = ?1 AND key_id = ?2').bind(id, oldKey.keys.keyId).first<{ sealed: string }>())!.sealed;
      const garbage = toB64(s, s.crypto_box_seal(s.randombytes_buf(32), oldKey.keys.box.publicKey));
      await env.DB.batch([
        env.DB.prepare('UPDATE wrapped_keys SET sealed = ?3 WHERE report_id = ?1 AND message_id = ?1 AND key_id = ?2').bind(id, oldKey.keys.keyId, garbage),
        env.DB.prepare('INSERT INTO shared_key_copies (report_id, message_id, key_id, shared_by, sealed) VALUES (?1, ?1, ?2, ?3, ?4)').bind(id, oldKey.keys.keyId, 'someone', genuine),
      ]);
    });
    const { stdout } = await keysCli('handover', '--from', oldKey.keys.keyId, '--to', newKey.keys.keyId, '--passphrase-file', oldKey.file);
    expect(stdout).toMatch(/handed over 1 cases \(3 keys\)/);
    // The new key's one copy of the report is the genuine key: it opens first time, garbage never passed on.
    expect(await opens(id, 'planta-a', newKey.keys, oldKey.keys)).toEqual(['caso compartido', 'reply: caso compartido ✓', 'note: caso compartido ✓']);

    // Only garbage: nothing is passed on for the report, and the command says so.
    const other = await reader('Tercera', 'planta-a');
    await withDb((env) => env.DB.prepare('DELETE FROM shared_key_copies WHERE report_id = ?1 AND key_id = ?2').bind(id, oldKey.keys.keyId).run());
    const { stdout: refused } = await keysCli('handover', '--from', oldKey.keys.keyId, '--to', other.keys.keyId, '--passphrase-file', oldKey.file);
    expect(refused).toMatch(/handed over 1 cases \(2 keys\)/);
    expect(refused).toMatch(/left out 1 keys that no copy .* opens/);
    const held = await withDb((env) => env.DB.prepare('SELECT count(*) AS n FROM wrapped_keys WHERE report_id = ?1 AND message_id = ?1 AND key_id = ?2').bind(id, other.keys.keyId).first<{ n: number }>());
    expect(held!.n).toBe(0);
  }, 180_000);

  it('should refuse a passphrase whose key is not the public key registered for it', async () => {
    const oldKey = await reader('Cambiada', 'planta-a');
    const newKey = await reader('Destino', 'planta-a');
    await withDb((env) => env.DB.prepare('UPDATE recipients SET box_pk = ?2 WHERE key_id = ?1').bind(oldKey.keys.keyId, toB64(s, newKey.keys.box.publicKey)).run());
    await expect(keysCli('handover', '--from', oldKey.keys.keyId, '--to', newKey.keys.keyId, '--passphrase-file', oldKey.file)).rejects.toThrow(/public key registered for .* is not the one its passphrase gives/);
    await withDb((env) => env.DB.prepare('UPDATE recipients SET box_pk = ?2 WHERE key_id = ?1').bind(oldKey.keys.keyId, toB64(s, oldKey.keys.box.publicKey)).run());
  }, 180_000);
});

describe('keys recovery', () => {
  it('should name a recovery key the plant\'s signed list does not hold, unless this command made it', () => {
    const list = (recovery?: { keyId: string; boxPk: string }) => ({ v: 1 as const, facility: 'planta-a', issued: '', readers: [], ...(recovery ? { recovery } : {}) });
    const a = { keyId: 'aaaaaaaaaaaaaaaa', boxPk: 'A'.repeat(43) };
    const b = { keyId: 'bbbbbbbbbbbbbbbb', boxPk: 'B'.repeat(43) };
    expect(unapprovedChanges(list(a), list(a), new Set())).toEqual([]);
    expect(unapprovedChanges(list(a), list(undefined), new Set())).toEqual([]); // taking it away needs no approval
    expect(unapprovedChanges(list(a), list(b), new Set())).toEqual([`recovery key ${b.keyId} at planta-a: not on this plant's signed list`]);
    expect(unapprovedChanges(list(undefined), list({ keyId: a.keyId, boxPk: b.boxPk }), new Set())).toHaveLength(1);
    expect(unapprovedChanges(list(a), list(b), new Set([b.keyId]))).toEqual([]);
  });

  it('should make a recovery key whose card alone opens the plant\'s cases and hands them to a new monitor', async () => {
    const card = join(dir, 'recovery.txt');
    await keysCli('recovery', '--facility', 'planta-a', '--out', card);
    const text = await readFile(card, 'utf8');
    const recovery = deriveRecoveryKey(s, recoveryCodeIn(text)!);
    expect(text).toContain(recovery.keyId);
    // Covered by the administrator's signature, so a browser seals to it.
    await withDb(async (env) => {
      const signed = await env.DB.prepare('SELECT statement, signature FROM reader_lists WHERE facility_id = ?1').bind('planta-a').first<{ statement: string; signature: string }>();
      const list = verifyReaderList(s, signed, fromB64(s, configuredAdminKey()!), 'planta-a');
      expect(list?.recovery).toEqual({ keyId: recovery.keyId, boxPk: toB64(s, recovery.box.publicKey) });
      const row = await env.DB.prepare('SELECT recovery_box_pk AS pk FROM facilities WHERE id = ?1').bind('planta-a').first<{ pk: string }>();
      expect(row!.pk).toBe(toB64(s, recovery.box.publicKey));
    });
    // A second one only with --force: older reports stay sealed to the first.
    await expect(keysCli('recovery', '--facility', 'planta-a')).rejects.toThrow(/already has recovery key/);

    // Every monitor's passphrase is lost; the report was sealed to the monitor and the recovery key.
    const lost = await reader('Perdida', 'planta-a');
    const id = await storedCase('planta-a', [{ keyId: lost.keys.keyId, boxPublicKey: lost.keys.box.publicKey }, { keyId: recovery.keyId, boxPublicKey: recovery.box.publicKey }], lost.keys, 'caso recuperado');
    const { stdout } = await run('npx', ['tsx', 'scripts/decrypt-reports.ts', '--recovery-file', card, '--persist-to', dir, '--report', id, '--json'], quiet);
    expect(JSON.parse(stdout.trim().split('\n').pop()!).report.description).toBe('caso recuperado');

    const fresh = await reader('Reemplazo', 'planta-a');
    const { stdout: handed } = await keysCli('handover', '--from', recovery.keyId, '--to', fresh.keys.keyId, '--recovery-file', card);
    expect(handed).toMatch(/handed over 1 cases \(1 keys\)/);
    expect(handed).not.toMatch(/went beside/);
    expect(await opens(id, 'planta-a', fresh.keys, lost.keys)).toEqual(['caso recuperado']);
  }, 180_000);
});
