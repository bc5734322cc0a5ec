/**
 * The admin CLI against a real local D1 (wrangler's state in a temporary directory).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUIET_WRANGLER } from '../../scripts/lib/dev-server';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import { deriveRecipientKeys, fromB64, recipientKeysFromSeed, toB64, verifyReaderList, type SignedReaderList } from '../../src/crypto';
import { DEMO_ADMIN_FILE, loadAdminKey } from '../../scripts/lib/admin-key';
import { planRegistration, type Card, type RegisteredKey } from '../../scripts/lib/provision';

const run = promisify(execFile);
let dir: string;
const cli = (...args: string[]) => run('npx', ['tsx', 'scripts/keys.ts', ...args, '--persist-to', dir], { env: { ...process.env, ...QUIET_WRANGLER } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'buzon-cli-'));
  await run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], { env: { ...process.env, ...QUIET_WRANGLER } });
}, 600_000);

describe('admin CLI', () => {
  it('should create a facility, generate a monitor key shown once, register it and retire it', async () => {
    await cli('facility', '--id', 'planta-uno', '--name', 'Planta Uno', '--short', 'UNO', '--email', 'uno', '--state', 'Coahuila', '--municipality', 'Ramos Arizpe', '--sector', 'auto_parts');
    const card = join(dir, 'card.json');
    const { stderr } = await run('npx', ['tsx', 'scripts/keys.ts', 'keygen', '--role', 'monitor', '--label', "Ana O'Neil", '--out', card]);
    const passphrase = stderr.match(/\n {4}([0-9A-Z-]{24})\n/)![1]!;
    const saved = JSON.parse(await readFile(card, 'utf8'));
    expect(JSON.stringify(saved)).not.toContain(passphrase);
    expect(Object.keys(saved).sort()).toEqual(['boxPk', 'kdf', 'keyId', 'label', 'role', 'signPk']);

    // The passphrase really derives the registered keys (Argon2id with the card's salt).
    const s = await loadNodeSodium();
    const keys = deriveRecipientKeys(s, passphrase, { salt: fromB64(s, saved.kdf.salt), opsLimit: saved.kdf.ops, memLimit: saved.kdf.mem });
    expect(keys.keyId).toBe(saved.keyId);

    await cli('register', '--card', card, '--facility', 'planta-uno');
    await cli('retire', '--key', saved.keyId);
    const platform = await openLocalPlatform(dir);
    try {
      const row = await platform.env.DB.prepare('SELECT label, status, role FROM recipients WHERE key_id = ?1').bind(saved.keyId).first();
      expect(row).toEqual({ label: "Ana O'Neil", status: 'retired', role: 'monitor' });
      const facility = await platform.env.DB.prepare('SELECT short_code, sector FROM facilities WHERE id = ?1').bind('planta-uno').first();
      expect(facility).toEqual({ short_code: 'uno', sector: 'auto_parts' });
    } finally {
      await platform.dispose();
    }
  }, 90_000);

  it('should refuse an altered card, re-activating a retired key, and widening a scope without --force', async () => {
    const keygen = async (role: string, label: string) => {
      const file = join(dir, `${label}.json`);
      await run('npx', ['tsx', 'scripts/keys.ts', 'keygen', '--role', role, '--label', label, '--out', file]);
      return { file, card: JSON.parse(await readFile(file, 'utf8')) };
    };
    const stored = async (keyId: string) => {
      const platform = await openLocalPlatform(dir);
      try {
        return await platform.env.DB.prepare('SELECT status, scope_state AS state FROM recipients WHERE key_id = ?1').bind(keyId).first();
      } finally {
        await platform.dispose();
      }
    };
    const s = await loadNodeSodium();

    // A card whose key id is not its box key's (someone edited it) is refused.
    const official = await keygen('official', 'Inspeccion');
    const altered = join(dir, 'altered.json');
    await writeFile(altered, JSON.stringify({ ...official.card, boxPk: toB64(s, s.crypto_box_keypair().publicKey) }));
    await expect(cli('register', '--card', altered, '--state', 'Coahuila')).rejects.toThrow(/is not the key id of its box public key/);

    // An official's scope does not widen without --force; it says what would change.
    await cli('register', '--card', official.file, '--state', 'Coahuila');
    await expect(cli('register', '--card', official.file, '--national')).rejects.toThrow(/scope: state Coahuila → every state[\s\S]*--force/);
    expect(await stored(official.card.keyId)).toEqual({ status: 'active', state: 'Coahuila' });
    const { stdout } = await cli('register', '--card', official.file, '--national', '--force');
    expect(stdout).toMatch(/scope: state Coahuila → every state/);
    expect(await stored(official.card.keyId)).toEqual({ status: 'active', state: null });

    // A retired key stays retired, --force or not.
    await cli('retire', '--key', official.card.keyId);
    await expect(cli('register', '--card', official.file, '--national', '--force')).rejects.toThrow(/is retired and stays retired/);
    expect(await stored(official.card.keyId)).toEqual({ status: 'retired', state: null });
  }, 180_000);

  it('should refuse a monitor without a facility and an unknown sector', async () => {
    await expect(cli('facility', '--id', 'x', '--name', 'X', '--short', 'x', '--email', 'x', '--state', 'S', '--municipality', 'M', '--sector', 'banking')).rejects.toThrow(/sector must be one of/);
    const card = join(dir, 'card2.json');
    await run('npx', ['tsx', 'scripts/keys.ts', 'keygen', '--role', 'monitor', '--label', 'B', '--out', card]);
    await expect(cli('register', '--card', card)).rejects.toThrow(/needs --facility/);
    // A mistyped plant is named, not a raw foreign-key error, and nothing is registered.
    const wrong = await cli('register', '--card', card, '--facility', 'planta-dos').then(() => null, (e: { stderr: string }) => e);
    expect(wrong?.stderr).toContain('no facility planta-dos: create it first');
    expect(wrong?.stderr).not.toMatch(/FOREIGN KEY|D1_ERROR/);
    const platform = await openLocalPlatform(dir);
    try {
      const keyId = JSON.parse(await readFile(card, 'utf8')).keyId;
      expect(await platform.env.DB.prepare('SELECT key_id FROM recipients WHERE key_id = ?1').bind(keyId).first()).toBeNull();
    } finally {
      await platform.dispose();
    }
  }, 60_000);
});

describe('registration checks', () => {
  const card = async (role: 'monitor' | 'official') => {
    const s = await loadNodeSodium();
    const keys = recipientKeysFromSeed(s, s.randombytes_buf(32));
    const c: Card = { keyId: keys.keyId, role, label: 'L', boxPk: toB64(s, keys.box.publicKey), signPk: toB64(s, keys.sign.publicKey), kdf: { salt: 'c2FsdA', ops: 2, mem: 67108864 } };
    const row = (over: Partial<RegisteredKey> = {}): RegisteredKey => ({ role, label: 'L', status: 'active', boxPk: c.boxPk, signPk: c.signPk, scopeState: null, facilities: [], ...over });
    return { s, c, row };
  };

  it('should need --force to widen or move an official, but not to narrow one', async () => {
    const { s, c, row } = await card('official');
    expect(planRegistration(s, c, { scopeState: 'Jalisco', facilities: [] }, row({ scopeState: 'Coahuila' }))).toMatchObject({ ok: true, needsForce: true, changes: [expect.stringMatching(/state Coahuila → state Jalisco/)] });
    expect(planRegistration(s, c, { scopeState: null, facilities: [] }, row({ scopeState: 'Coahuila' }))).toMatchObject({ ok: true, needsForce: true });
    expect(planRegistration(s, c, { scopeState: 'Coahuila', facilities: [] }, row({ scopeState: null }))).toMatchObject({ ok: true, needsForce: false, changes: [expect.stringMatching(/every state .* → state Coahuila/)] });
    expect(planRegistration(s, c, { scopeState: 'Coahuila', facilities: [] }, row({ scopeState: 'Coahuila' }))).toEqual({ ok: true, needsForce: false, changes: [] });
  });

  it("should need --force for any change of a monitor's facilities", async () => {
    const { s, c, row } = await card('monitor');
    expect(planRegistration(s, c, { scopeState: null, facilities: ['a', 'b'] }, row({ facilities: ['a'] }))).toMatchObject({ ok: true, needsForce: true, changes: ['facilities: a → a,b'] });
    expect(planRegistration(s, c, { scopeState: null, facilities: ['b'] }, row({ facilities: ['a', 'b'] }))).toMatchObject({ ok: true, needsForce: true });
    expect(planRegistration(s, c, { scopeState: null, facilities: ['b', 'a'] }, row({ facilities: ['a', 'b'] }))).toEqual({ ok: true, needsForce: false, changes: [] });
  });

  it('should refuse a retired key, another role, other public keys, and a key id that is not the box key\'s', async () => {
    const { s, c, row } = await card('monitor');
    const want = { scopeState: null, facilities: ['a'] };
    expect(planRegistration(s, c, want, row({ status: 'retired', facilities: ['a'] }))).toMatchObject({ ok: false, reason: expect.stringMatching(/retired/) });
    expect(planRegistration(s, c, want, row({ role: 'official' }))).toMatchObject({ ok: false });
    expect(planRegistration(s, c, want, row({ signPk: toB64(s, new Uint8Array(32)), facilities: ['a'] }))).toMatchObject({ ok: false, reason: expect.stringMatching(/other public keys/) });
    expect(planRegistration(s, { ...c, keyId: '0123456789abcdef' }, want, null)).toMatchObject({ ok: false, reason: expect.stringMatching(/not the key id of its box public key/) });
    expect(planRegistration(s, { ...c, boxPk: 'AAAA' }, want, null)).toMatchObject({ ok: false });
    expect(planRegistration(s, c, want, null)).toEqual({ ok: true, changes: [], needsForce: false });
  });

  it('should sign each plant\'s reader list, and refuse to sign a reader written straight into D1 until the administrator approves it', async () => {
    const s = await loadNodeSodium();
    const admin = loadAdminKey(s, DEMO_ADMIN_FILE);
    const listOf = async (facility: string) => {
      const platform = await openLocalPlatform(dir);
      try {
        const signed = await platform.env.DB.prepare('SELECT statement, signature FROM reader_lists WHERE facility_id = ?1').bind(facility).first<SignedReaderList>();
        return verifyReaderList(s, signed, admin.publicKey, facility);
      } finally {
        await platform.dispose();
      }
    };
    // A new plant's first list holds readers no list of its own approved yet (national officials): --yes says they are meant.
    const fresh = await cli('facility', '--id', 'planta-lista', '--name', 'Planta Lista', '--short', 'LISTA', '--email', 'lista', '--state', 'Sonora', '--municipality', 'Hermosillo', '--sector', 'automotive').then(() => null, (e: { stderr: string }) => e);
    if (fresh) expect(fresh.stderr).toContain('not on this plant\'s signed list');
    await cli('sign', '--yes');
    const file = join(dir, 'lista.json');
    await run('npx', ['tsx', 'scripts/keys.ts', 'keygen', '--role', 'monitor', '--label', 'Lista', '--out', file]);
    const card = JSON.parse(await readFile(file, 'utf8'));
    await cli('register', '--card', file, '--facility', 'planta-lista');
    expect((await listOf('planta-lista'))?.readers.find((r) => r.keyId === card.keyId)?.recipient).toBe(true);

    // A rogue monitor written straight into D1: the next signing names it and signs nothing.
    const rogue = recipientKeysFromSeed(s, s.randombytes_buf(32));
    const platform = await openLocalPlatform(dir);
    try {
      await platform.env.DB.batch([
        platform.env.DB.prepare(`INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem) VALUES (?1, 'monitor', 'Intruso', ?2, ?3, 'c2FsdA', 2, 67108864)`).bind(
          rogue.keyId,
          toB64(s, rogue.box.publicKey),
          toB64(s, rogue.sign.publicKey),
        ),
        platform.env.DB.prepare("INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, 'planta-lista')").bind(rogue.keyId),
      ]);
    } finally {
      await platform.dispose();
    }
    const refused = await cli('retire', '--key', card.keyId).then(() => null, (e: { stderr: string }) => e);
    expect(refused?.stderr).toContain(`refused to sign the reader lists`);
    expect(refused?.stderr).toContain(`Intruso (${rogue.keyId})`);
    const unchanged = (await listOf('planta-lista'))!.readers;
    expect(unchanged.map((r) => r.keyId)).not.toContain(rogue.keyId);
    expect(unchanged.find((r) => r.keyId === card.keyId)?.recipient).toBe(true);

    // Approved on purpose, it is signed; a retired key stays listed as a signer, no longer a recipient.
    await cli('sign', '--yes');
    const listed = (await listOf('planta-lista'))!.readers;
    expect(listed.find((r) => r.keyId === rogue.keyId)?.recipient).toBe(true);
    expect(listed.find((r) => r.keyId === card.keyId)?.recipient).toBe(false);

    // Behind the administrator's back again: the retired key made active, a label that claims
    // authority, and a monitor approved here slipped into another plant. Each is named, nothing signed.
    await cli('facility', '--id', 'planta-otra', '--name', 'Planta Otra', '--short', 'OTRA', '--email', 'otra', '--state', 'Sonora', '--municipality', 'Nogales', '--sector', 'automotive', '--yes');
    const db = await openLocalPlatform(dir);
    try {
      await db.env.DB.batch([
        db.env.DB.prepare("UPDATE recipients SET status = 'active' WHERE key_id = ?1").bind(card.keyId),
        db.env.DB.prepare("UPDATE recipients SET label = 'Secretaría del Trabajo (verificado)' WHERE key_id = ?1").bind(rogue.keyId),
        db.env.DB.prepare("INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, 'planta-otra')").bind(rogue.keyId),
      ]);
    } finally {
      await db.dispose();
    }
    const again = await cli('sign').then(() => null, (e: { stderr: string }) => e);
    expect(again?.stderr).toContain(`(${card.keyId}) at planta-lista: retired, now active again`);
    expect(again?.stderr).toContain(`(${rogue.keyId}) at planta-lista: label changed from "Intruso"`);
    expect(again?.stderr).toContain(`(${rogue.keyId}) at planta-otra: not on this plant's signed list`);
    expect((await listOf('planta-lista'))!.readers.find((r) => r.keyId === card.keyId)?.recipient).toBe(false);
    expect((await listOf('planta-otra'))?.readers.map((r) => r.keyId) ?? []).not.toContain(rogue.keyId);
  }, 180_000);

  it('should tell an administrator with an empty local state to run setup, without a stack trace', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'buzon-empty-'));
    const failed = await run('npx', ['tsx', 'scripts/keys.ts', 'list', '--persist-to', empty], { env: { ...process.env, ...QUIET_WRANGLER } }).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('run npm run setup first');
    expect(failed?.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('should wait out a write lock held by another process on the same database (wrangler dev running), not fail', async () => {
    // Another SQLite client (as `wrangler dev` is) holds an exclusive lock for 6 s, past the CLI's start, while it writes.
    const d1 = join(dir, 'v3', 'd1', 'miniflare-D1DatabaseObject');
    const file = (await readdir(d1)).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')!;
    const holder = spawn('python3', ['-c', 'import sqlite3,sys,time\nc=sqlite3.connect(sys.argv[1],isolation_level=None)\nc.execute("BEGIN EXCLUSIVE")\nprint("locked",flush=True)\ntime.sleep(6)\nc.execute("COMMIT")', join(d1, file)]);
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
    });
    await cli('facility', '--id', 'planta-cerrojo', '--name', 'Planta Cerrojo', '--short', 'CERR', '--email', 'cerrojo', '--state', 'Jalisco', '--municipality', 'El Salto', '--sector', 'electronics', '--yes');
    const platform = await openLocalPlatform(dir);
    try {
      expect(await platform.env.DB.prepare('SELECT name FROM facilities WHERE id = ?1').bind('planta-cerrojo').first()).toEqual({ name: 'Planta Cerrojo' });
    } finally {
      await platform.dispose();
    }
  }, 90_000);
});
