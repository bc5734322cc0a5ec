/**
 * The administrator's first hour with the CLI against a real local D1 (issue 23): `keys list` names
 * a national official's reach instead of printing null, and `npm run decrypt` in Spanish says its
 * closing count in Spanish.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUIET_WRANGLER } from '../../scripts/lib/dev-server';
import { listedReaders } from '../../scripts/keys/list';

const run = promisify(execFile);
const env = { ...process.env, ...QUIET_WRANGLER };
let dir: string;
const cli = (...args: string[]) => run('npx', ['tsx', 'scripts/keys.ts', ...args, '--persist-to', dir], { env });

/** keygen as a reader does it; gives the card file and the passphrase shown once. */
async function keygen(role: string, label: string) {
  const card = join(dir, `${label}.card.json`);
  const { stderr } = await run('npx', ['tsx', 'scripts/keys.ts', 'keygen', '--role', role, '--label', label, '--out', card]);
  return { card, passphrase: stderr.match(/\n {4}([0-9A-Z-]{24})\n/)![1]! };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'buzon-first-hour-'));
  await run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], { env });
}, 600_000);

describe('the administrator in the first hour', () => {
  it('should list a national official as national, a state official by state, and a monitor by plant, never null', async () => {
    await cli('facility', '--id', 'planta-dos', '--name', 'Planta Dos', '--short', 'dos', '--email', 'dos', '--state', 'Sonora', '--municipality', 'Hermosillo', '--sector', 'auto_parts');
    const national = await keygen('official', 'Inspeccion Federal');
    await cli('register', '--card', national.card, '--national');
    const state = await keygen('official', 'Inspeccion Sonora');
    await cli('register', '--card', state.card, '--state', 'Sonora');
    const monitor = await keygen('monitor', 'Monitora Dos');
    await cli('register', '--card', monitor.card, '--facility', 'planta-dos');

    const { stdout } = await cli('list');
    expect(stdout).not.toMatch(/\bnull\b/);
    const line = (label: string) => stdout.split('\n').find((l) => l.includes(label)) ?? '';
    expect(line('Inspeccion Federal')).toContain('national (every state)');
    expect(line('Inspeccion Federal')).toContain('every plant');
    expect(line('Inspeccion Sonora')).toContain('every plant in Sonora');
    expect(line('Monitora Dos')).toContain('planta-dos');
  }, 180_000);

  it('should show the same reach for rows as D1 gives them', () => {
    const rows = listedReaders([
      { key_id: 'a', role: 'official', label: 'N', status: 'active', scope_state: null, facilities: null },
      { key_id: 'b', role: 'monitor', label: 'M', status: 'retired', scope_state: null, facilities: 'uno,dos' },
    ]);
    expect(rows.map((r) => [r.scope, r.facilities])).toEqual([
      ['national (every state)', 'every plant'],
      ['plants', 'uno, dos'],
    ]);
  });

  it('should close `npm run decrypt` with its count in the language asked for', async () => {
    const reader = await keygen('monitor', 'Monitora Descifra');
    await cli('register', '--card', reader.card, '--facility', 'planta-dos');
    const file = join(dir, 'pass.txt');
    await writeFile(file, `${reader.passphrase}\n`, { mode: 0o600 });
    const decrypt = (lang: string) => run('npx', ['tsx', 'scripts/decrypt-reports.ts', '--passphrase-file', file, '--persist-to', dir, '--lang', lang], { env });
    const es = (await decrypt('es')).stderr.trim().split('\n').pop();
    expect(es).toMatch(/^Se abrieron 0 de 0 reportes con la llave [0-9a-f]{16}\.$/);
    const en = (await decrypt('en')).stderr.trim().split('\n').pop();
    expect(en).toMatch(/^0 of 0 reports opened with key [0-9a-f]{16}\.$/);
  }, 180_000);
});
