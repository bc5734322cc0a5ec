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
let national: { card: string; passphrase: string } | undefined;
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
  it('should list a national official as national, never null', async () => {
    national = await keygen('official', 'Inspeccion Federal');
    await cli('register', '--card', national.card, '--national');
    const { stdout } = await cli('list');
    expect(stdout).not.toMatch(/\bnull\b/);
    const line = stdout.split('\n').find((l) => l.includes('Inspeccion Federal')) ?? '';
    expect(line).toContain('national (every state)');
    expect(line).toContain('every plant');
  }, 600_000);

  it("should name each reader's reach: national, a state, or a monitor's plants", () => {
    const rows = listedReaders([
      { key_id: 'a', role: 'official', label: 'N', status: 'active', scope_state: null, facilities: null },
      { key_id: 'b', role: 'official', label: 'S', status: 'active', scope_state: 'Sonora', facilities: null },
      { key_id: 'c', role: 'monitor', label: 'M', status: 'retired', scope_state: null, facilities: 'uno,dos' },
    ]);
    expect(rows.map((r) => [r.scope, r.facilities])).toEqual([
      ['national (every state)', 'every plant'],
      ['Sonora', 'every plant in Sonora'],
      ['plants', 'uno, dos'],
    ]);
  });

  it('should close `npm run decrypt` with its count in the language asked for', async () => {
    // The national official registered above, with no case yet: the count is all there is to say.
    const file = join(dir, 'pass.txt');
    await writeFile(file, `${national!.passphrase}\n`, { mode: 0o600 });
    const decrypt = (lang: string) =>
      run('npx', ['tsx', 'scripts/decrypt-reports.ts', '--passphrase-file', file, '--persist-to', dir, '--lang', lang], { env });
    const es = (await decrypt('es')).stderr.trim().split('\n').pop();
    expect(es).toMatch(/^Se abrieron 0 de 0 reportes con la llave [0-9a-f]{16}\.$/);
    const en = (await decrypt('en')).stderr.trim().split('\n').pop();
    expect(en).toMatch(/^0 of 0 reports opened with key [0-9a-f]{16}\.$/);
  }, 600_000);
});
