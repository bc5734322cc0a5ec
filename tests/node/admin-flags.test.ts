/**
 * The admin scripts refuse to guess: an unknown or mistyped flag stops them (exit 2, one line, no
 * stack) before they open any state, --help prints help and runs nothing, a missing state or missing
 * Cloudflare credentials is one line, workerd's Durable Object warning never shows, --remote never
 * signs with the demo administrator, and decrypted files are readable by their owner only.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUIET_WRANGLER } from '../../scripts/lib/dev-server';
import { saveCaseFiles, type OpenedCase } from '../../scripts/lib/case-export';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import { toB64 } from '../../src/crypto';

const exec = promisify(execFile);
let dir: string;
let home: string;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a script; never throws, so each test reads its exit code and both outputs. */
async function script(file: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const base: Record<string, string | undefined> = { ...process.env, ...QUIET_WRANGLER, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete base[k];
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', `scripts/${file}`, ...args], { env: base as NodeJS.ProcessEnv });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

const noStack = (o: Outcome) => {
  expect(`${o.stdout}${o.stderr}`).not.toMatch(/^\s+at /m);
  expect(`${o.stdout}${o.stderr}`).not.toMatch(/DurableObject|AuditChain/);
};
/** Exactly one line on stderr (npm's own notices aside). */
const oneLine = (o: Outcome) => o.stderr.split('\n').filter((l) => l.trim() && !/^npm (notice|warn)/.test(l));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'buzon-flags-'));
  home = await mkdtemp(join(tmpdir(), 'buzon-home-'));
  await writeFile(join(home, 'passphrase.txt'), 'AAAA-BBBB-CCCC-DDDD-EEEE\n');
});

describe('a mistyped flag', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['keys.ts', ['list', '--persist-too', '/tmp/x'], /unknown flag --persist-too \(did you mean --persist-to\?\)/],
    ['keys.ts', ['list', '--remot'], /unknown flag --remot \(did you mean --remote\?\)/],
    ['keys.ts', ['sign', '--yes', '--admn', 'admin.txt'], /unknown flag --admn \(did you mean --admin\?\)/],
    ['keys.ts', ['register', '--card'], /--card needs a value/],
    ['keys.ts', ['frobnicate'], /unknown command frobnicate/],
    ['audit-verify.ts', ['--remot'], /unknown flag --remot/],
    ['audit-verify.ts', ['--head', 'nothex@2026-01-01'], /--head takes/],
    ['decrypt-reports.ts', ['--passphrase-file', 'x', '--persist-too', '/tmp/x'], /unknown flag --persist-too/],
    ['decrypt-reports.ts', ['--passphrase-file', 'x', '--lang', 'fr'], /--lang must be one of es, en/],
    ['release-now.ts', ['--persist-too', '/tmp/x'], /unknown flag --persist-too/],
    ['release-now.ts', ['--remote'], /local state only/],
    ['seed-demo.ts', ['--persist-too', '/tmp/x'], /unknown flag --persist-too/],
    ['constancia-verify.ts', ['BZC1.x', '--kee', 'abc'], /unknown flag --kee \(did you mean --key\?\)/],
    ['constancia-verify.ts', ['BZC1.x', '--online'], /--online asks a site/],
    ['verify.ts', ['https://buzon.example.org', '--worktre'], /unknown flag --worktre \(did you mean --worktree\?\)/],
  ];
  for (const [file, args, message] of cases) {
    it(`should stop ${file} ${args.join(' ')} with exit 2 and one line, touching no state`, async () => {
      const before = existsSync('/tmp/x');
      const o = await script(file, args);
      expect(o.code, o.stderr).toBe(2);
      expect(o.stderr).toMatch(message);
      expect(oneLine(o)).toHaveLength(1);
      noStack(o);
      expect(existsSync('/tmp/x')).toBe(before);
    }, 60_000);
  }
});

describe('--help', () => {
  for (const [file, args, says] of [
    ['keys.ts', ['--help'], /facility .*register .*sign/s],
    ['keys.ts', ['facility', '--help'], /--mail-send-to WHO/],
    ['keys.ts', ['sign', '--help'], /--admin FILE/],
    ['audit-verify.ts', ['--help'], /--head HASH@DAY/],
    ['decrypt-reports.ts', ['--help'], /folders 0700/],
    ['release-now.ts', ['--help'], /local state only/],
    ['seed-demo.ts', ['--help'], /--secrets-dir DIR/],
    ['constancia-verify.ts', ['--help'], /Exit status: 0 valid/],
    ['verify.ts', ['--help'], /--page PATH/],
  ] as Array<[string, string[], RegExp]>) {
    it(`should print help for ${file} ${args.join(' ')} and run nothing`, async () => {
      // An empty, absent state: a script that ran would fail on it instead of exiting 0.
      const o = await script(file, [...args], { HOME: home });
      expect(o.code, o.stderr).toBe(0);
      expect(o.stdout).toMatch(says);
      expect(o.stdout).not.toMatch(/audit log intact|released now|Demo facility|reports opened/);
      noStack(o);
    }, 60_000);
  }
});

describe('a missing state or missing credentials', () => {
  it('should say in one line that a --persist-to directory holds no state, and create none there', async () => {
    const missing = join(dir, 'no-such-state');
    for (const [file, args] of [
      ['keys.ts', ['list']],
      ['audit-verify.ts', []],
      ['release-now.ts', []],
      ['decrypt-reports.ts', ['--passphrase-file', join(home, 'passphrase.txt')]],
    ] as Array<[string, string[]]>) {
      const o = await script(file, [...args, '--persist-to', missing]);
      expect(o.code, `${file}: ${o.stderr}`).toBe(1);
      expect(oneLine(o), file).toEqual([expect.stringContaining(`no wrangler state in ${missing}`)]);
      noStack(o);
    }
    expect(existsSync(missing)).toBe(false);
  }, 240_000);

  it('should refuse --remote without a token or a wrangler login, in one line', async () => {
    for (const [file, args] of [
      ['keys.ts', ['list', '--remote']],
      ['audit-verify.ts', ['--remote']],
    ] as Array<[string, string[]]>) {
      const o = await script(file, args, {
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        CLOUDFLARE_API_TOKEN: undefined,
        CLOUDFLARE_API_KEY: undefined,
      });
      expect(o.code, o.stderr).toBe(1);
      expect(oneLine(o)).toEqual([expect.stringContaining('--remote needs Cloudflare credentials: set CLOUDFLARE_API_TOKEN, or run npx wrangler login')]);
      noStack(o);
    }
  }, 120_000);

  it('should never sign production lists with the demo administrator: --remote needs --admin, checked before anything is written', async () => {
    for (const args of [
      ['sign', '--yes', '--remote'],
      ['register', '--card', 'x.json', '--facility', 'p', '--remote'],
      ['retire', '--key', 'k', '--remote', '--env', 'production'],
    ]) {
      // A token is set, so only the missing administrator can stop it, and it stops before wrangler runs.
      const o = await script('keys.ts', args, { HOME: home, CLOUDFLARE_API_TOKEN: 'not-a-real-token' });
      expect(o.code, o.stderr).toBe(2);
      expect(o.stderr).toContain('needs the administrator key: give --admin FILE');
      expect(o.stderr).toContain('never used with --remote');
      expect(o.stderr).not.toContain('wrangler d1 execute');
      noStack(o);
    }
  }, 120_000);

  it('should refuse to sign production lists when the deployment names no administrator key, instead of signing unchecked', async () => {
    // wrangler.toml ships [env.production.vars] ADMIN_SIGN_PK empty: any --admin file would pass unchecked (the demo's too).
    for (const args of [
      ['sign', '--yes', '--remote', '--admin', '.demo-admin.txt'],
      ['sign', '--yes', '--remote', '--env', 'production', '--admin', '.demo-admin.txt'],
    ]) {
      const o = await script('keys.ts', args, { HOME: home, CLOUDFLARE_API_TOKEN: 'not-a-real-token', ADMIN_SIGN_PK: undefined, CLOUDFLARE_ENV: undefined });
      expect(o.code, o.stderr).toBe(2);
      expect(o.stderr).toContain('no ADMIN_SIGN_PK for this deployment');
      expect(o.stderr).not.toContain('wrangler d1 execute');
      noStack(o);
    }
  }, 120_000);
});

describe('local state', () => {
  beforeAll(async () => {
    await exec('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], { env: { ...process.env, ...QUIET_WRANGLER } });
    await exec('npx', ['tsx', 'scripts/seed-demo.ts', '--persist-to', dir, '--secrets-dir', dir], { env: { ...process.env, ...QUIET_WRANGLER } });
  }, 600_000);

  it('should never print the Durable Object warning', async () => {
    for (const [file, args] of [
      ['keys.ts', ['list']],
      ['audit-verify.ts', []],
      ['release-now.ts', []],
    ] as Array<[string, string[]]>) {
      const o = await script(file, [...args, '--persist-to', dir]);
      expect(o.code, `${file}: ${o.stderr}`).toBe(0);
      noStack(o);
    }
  }, 180_000);

  it("should take the README's new plant to a signed list and say what it still needs, then set who reads its mail", async () => {
    const facility = await script('keys.ts', [
      'facility',
      '--id',
      'planta-silao',
      '--name',
      'Planta Silao',
      '--short',
      'silao',
      '--email',
      'silao',
      '--state',
      'Guanajuato',
      '--municipality',
      'Silao',
      '--sector',
      'automotive',
      '--persist-to',
      dir,
    ]);
    expect(facility.code, facility.stderr).toBe(0);
    expect(facility.stderr).not.toContain('refused');
    // The demo's national official comes with it; no monitor yet, and it says how to add one.
    expect(facility.stdout).toContain('reader list of planta-silao signed');
    expect(facility.stdout).toContain('it has no monitor yet');
    expect(facility.stdout).toContain('npm run keys -- keygen --role monitor');
    expect(facility.stdout).toContain('npm run keys -- register --card NAME.card.json --facility planta-silao');

    const card = join(dir, 'ana.card.json');
    await script('keys.ts', ['keygen', '--role', 'monitor', '--label', 'Ana', '--out', card]);
    const registered = await script('keys.ts', ['register', '--card', card, '--facility', 'planta-silao', '--persist-to', dir]);
    expect(registered.code, registered.stderr).toBe(0);

    // Who reads its mail, by command, on an existing plant: only that field changes, and it is signed.
    const mail = await script('keys.ts', ['facility', '--id', 'planta-silao', '--mail-send-to', 'monitor', '--persist-to', dir]);
    expect(mail.code, mail.stderr).toBe(0);
    expect(mail.stdout).toContain('its mail goes to: monitor');
    expect(mail.stdout).toContain('planta-silao takes reports: its form is /f/silao');
    const wider = await script('keys.ts', ['facility', '--id', 'planta-silao', '--mail-send-to', 'both', '--persist-to', dir]);
    expect(wider.code, wider.stderr).toBe(0);
    const bad = await script('keys.ts', ['facility', '--id', 'planta-silao', '--mail-send-to', 'everyone', '--persist-to', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--mail-send-to must be one of monitor, authority, both');
    const platform = await openLocalPlatform(dir);
    try {
      const row = await platform.env.DB.prepare('SELECT name, mail_send_to AS mail FROM facilities WHERE id = ?1').bind('planta-silao').first();
      expect(row).toEqual({ name: 'Planta Silao', mail: 'both' });
      const list = await platform.env.DB.prepare('SELECT statement FROM reader_lists WHERE facility_id = ?1')
        .bind('planta-silao')
        .first<{ statement: string }>();
      expect(JSON.parse(list!.statement).mailSendTo).toBe('both');
    } finally {
      await platform.dispose();
    }
    // A new plant with a field missing is refused by name, before anything is written.
    const partial = await script('keys.ts', ['facility', '--id', 'planta-sola', '--name', 'Sola', '--persist-to', dir]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('a new plant needs --short, --email, --state, --municipality, --sector');
  }, 300_000);

  it('should write decrypted files 0600 in 0700 folders, even over a file that was there', async () => {
    const out = join(dir, 'casos');
    const decrypt = await script('decrypt-reports.ts', ['--passphrase-file', join(dir, '.demo-monitor.txt'), '--out', out, '--persist-to', dir]);
    expect(decrypt.code, decrypt.stderr).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o700);

    const s = await loadNodeSodium();
    const opened = {
      id: 'r-1',
      report: { channel: 'email', attachments: [{ name: 'foto.jpg', type: 'image/jpeg', size: 3, data: toB64(s, new Uint8Array([1, 2, 3])) }] },
    } as unknown as OpenedCase;
    await mkdir(join(out, 'r-1'), { mode: 0o755 });
    await writeFile(join(out, 'r-1', 'foto.jpg'), 'old', { mode: 0o644 });
    const [file] = await saveCaseFiles(s, {} as KVNamespace, opened, out);
    expect((await stat(join(out, 'r-1'))).mode & 0o777).toBe(0o700);
    expect((await stat(file!)).mode & 0o777).toBe(0o600);
    expect([...(await readFile(file!))]).toEqual([1, 2, 3]);
  }, 120_000);
});
