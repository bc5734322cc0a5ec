/**
 * The admin CLI against a real local D1 (wrangler's state in a temporary directory).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUIET_WRANGLER } from '../../scripts/lib/dev-server';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import { deriveRecipientKeys, fromB64 } from '../../src/crypto';

const run = promisify(execFile);
let dir: string;
const cli = (...args: string[]) => run('npx', ['tsx', 'scripts/keys.ts', ...args, '--persist-to', dir], { env: { ...process.env, ...QUIET_WRANGLER } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'buzon-cli-'));
  await run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], { env: { ...process.env, ...QUIET_WRANGLER } });
}, 60_000);

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

  it('should refuse a monitor without a facility and an unknown sector', async () => {
    await expect(cli('facility', '--id', 'x', '--name', 'X', '--short', 'x', '--email', 'x', '--state', 'S', '--municipality', 'M', '--sector', 'banking')).rejects.toThrow(/sector must be one of/);
    const card = join(dir, 'card2.json');
    await run('npx', ['tsx', 'scripts/keys.ts', 'keygen', '--role', 'monitor', '--label', 'B', '--out', card]);
    await expect(cli('register', '--card', card)).rejects.toThrow(/needs --facility/);
  }, 60_000);
});
