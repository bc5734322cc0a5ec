/**
 * A rehearsal of README "Production", in a copy of the source with no demo file (no .dev.vars,
 * .demo-*.txt or local state), under CLOUDFLARE_ENV=production as the README's shell is. Every
 * command it runs must be written, as run, in one of that section's `sh` blocks, so the README and
 * this test cannot drift apart. Local stand-ins where Cloudflare's network is needed: `--remote`
 * becomes `--persist-to <state>` (`--local --persist-to` for wrangler), `npm run deploy` gets
 * `--offline` (no secret list), and `wrangler dev --env production` on that state plays the deployed
 * Worker. Checked only on paper: the account and domain, `wrangler login`, creating D1/KV (the test
 * writes made-up ids), `wrangler secret put`, the real upload, Email Routing and its DNS, HSTS
 * preloading, and `npm run verify` against the public site.
 *
 * Followed: the preflight refuses the shipped placeholders; `admin-init`; the ids, domain and key
 * written into [env.production]; the preflight passes; the dry-run deploy builds with that key;
 * migrations; the plant; a monitor's and an official's own `keygen`, their cards registered and the
 * lists signed; `mail_send_to` and a digest address; a report filed to both in Chromium on the
 * production build, read by the monitor and the official with `npm run decrypt` (the stand-in for
 * the console sign-in, which the other e2e files cover).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { QUIET_WRANGLER, startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { exportTree } from '../../scripts/lib/source-tree';
import { reportFromPhone } from './phone-steps';

const SITE = 'buzon.ensayo-sindical.mx';
const MAIL = 'reportes.ensayo-sindical.mx';

/** Every command in README "Production"'s sh blocks, one per line (continuations joined, comments cut). */
function runbookCommands(readme: string): string[] {
  const section = readme.slice(readme.indexOf('\n## Production\n'), readme.indexOf('\n## ', readme.indexOf('\n## Production\n') + 5));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((b) => b.replace(/\\\n\s*/g, '').split('\n'))
    .map((l) => l.replace(/\s{2,}#\s.*$/, '').trim())
    .filter(Boolean);
}

let dir: string;
let state: string;
let runbook: string[];
let server: DevServer | undefined;
let browser: Browser | undefined;
const people: Record<string, { keyId: string; passphrase: string }> = {};
let adminKey = '';

const env: NodeJS.ProcessEnv = { ...process.env, ...QUIET_WRANGLER, CLOUDFLARE_ENV: 'production', WRANGLER_LOG: 'error' };
for (const name of ['ADMIN_SIGN_PK', 'CONSTANCIA_SIGN_SK', 'BUZON_ADMIN_PASSPHRASE', 'BUZON_PASSPHRASE']) delete env[name];

/** Runs a README command as written, with the local stand-ins; `fill` replaces its <placeholders>. */
function step(command: string, fill: Record<string, string> = {}) {
  expect(runbook, 'README "Production" must show this command as the test runs it').toContain(command);
  let local = command.replace(/ --remote\b/, command.startsWith('npx wrangler') ? ' --local' : '');
  if (/ --remote\b| --local\b/.test(command)) local += ` --persist-to ${state}`;
  if (command.startsWith('npm run deploy')) local += command.includes(' -- ') ? ' --offline' : ' -- --offline';
  for (const [k, v] of Object.entries(fill)) local = local.replace(k, v);
  let r = spawnSync('sh', ['-c', local], { cwd: dir, env, encoding: 'utf8' });
  // Seen once with the machine's load at 22: the local platform proxy died at start-up on a bare
  // assertion ("false == true") before the command ran. Once more, only for that.
  if (r.status !== 0 && /^false == true$/m.test(r.stderr)) r = spawnSync('sh', ['-c', local], { cwd: dir, env, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr, all: `${r.stdout}${r.stderr}` };
}

/** The local demo's files: its secrets, passphrases and state (wrangler's own .wrangler/tmp is not one). */
const demoFiles = () => [
  ...readdirSync(dir).filter((f) => f === '.dev.vars' || f.startsWith('.demo-')),
  ...(existsSync(join(dir, '.wrangler/state')) ? ['.wrangler/state'] : []),
];

beforeAll(() => {
  dir = exportTree(process.cwd(), 'worktree', 'buzon-runbook-');
  state = mkdtempSync(join(tmpdir(), 'buzon-runbook-state-'));
  runbook = runbookCommands(readFileSync(join(dir, 'README.md'), 'utf8'));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
});

describe('README "Production", rehearsed', { timeout: 600_000 }, () => {
  it('should start with no demo file, and refuse the shipped placeholders', () => {
    expect(demoFiles()).toEqual([]);
    const r = step('npm run deploy -- --check');
    expect(r.status, r.all).toBe(1);
    for (const said of [
      /D1 database id "REPLACE-WITH-D1-DATABASE-ID" is a placeholder/,
      /BLOBS id .* placeholder/,
      /STATE id .* placeholder/,
      /ADMIN_SIGN_PK .* empty: make one offline/,
      /PUBLIC_ORIGIN .* example domain/,
      /EMAIL_DOMAIN .* example/,
      /custom domain buzon.example.org is an example domain/,
    ]) {
      expect(r.err).toMatch(said);
    }
    expect(r.err).toContain('nothing was built or deployed');
  });

  it('should pass the preflight once the ids, the domain and an administrator key made offline are set', () => {
    const init = step('npm run keys -- admin-init --out admin.txt');
    expect(init.status, init.all).toBe(0);
    adminKey = /ADMIN_SIGN_PK = "([A-Za-z0-9_-]{43})"/.exec(init.out)![1]!;
    // What the README says to write into [env.production]: the printed ids, the site's name, the key.
    const toml = readFileSync(join(dir, 'wrangler.toml'), 'utf8');
    const at = toml.indexOf('[env.production]');
    const production = toml
      .slice(at)
      .replace('REPLACE-WITH-D1-DATABASE-ID', '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b')
      .replace('REPLACE-WITH-BLOBS-KV-ID', '0a1b2c3d4e5f60718293a4b5c6d7e8f9')
      .replace('REPLACE-WITH-STATE-KV-ID', 'f9e8d7c6b5a40392817f6e5d4c3b2a19')
      .replace('pattern = "buzon.example.org"', `pattern = "${SITE}"`)
      .replace('PUBLIC_ORIGIN = "https://buzon.example.org"', `PUBLIC_ORIGIN = "https://${SITE}"`)
      .replace('EMAIL_DOMAIN = "buzon.example.org"', `EMAIL_DOMAIN = "${MAIL}"`)
      .replace('ADMIN_SIGN_PK = ""', `ADMIN_SIGN_PK = "${adminKey}"`);
    expect(production).not.toMatch(/REPLACE-WITH|example\.org|ADMIN_SIGN_PK = ""/);
    writeFileSync(join(dir, 'wrangler.toml'), toml.slice(0, at) + production);

    const r = step('npm run deploy -- --check');
    expect(r.status, r.all).toBe(0);
    expect(r.out).toContain('preflight passed for production');
    expect(r.err).not.toMatch(/^refuse:/m);
  });

  it('should build the pages with that key and bundle the production Worker', () => {
    const r = step('npm run deploy -- --dry-run');
    expect(r.status, r.all).toBe(0);
    expect(r.out).toContain('Dry run: nothing was uploaded.');
    expect(r.out).toContain(`npm run verify -- https://${SITE} --admin-key ${adminKey}`);
    expect(JSON.parse(readFileSync(join(dir, 'build/buzon-build.json'), 'utf8')).adminSignPk).toBe(adminKey);
    expect(demoFiles()).toEqual([]);
  });

  it('should set up the storage and the first plant, and let a monitor and an official make their own keys', () => {
    const migrate = step('npx wrangler d1 migrations apply DB --remote --env production');
    expect(migrate.status, migrate.all).toBe(0);
    const plant = step(
      'npm run keys -- facility --id planta-silao --name "Planta Silao" --short silao --email silao --state Guanajuato --municipality Silao --sector automotive --admin admin.txt --remote',
    );
    expect(plant.status, plant.all).toBe(0);
    // Each reader on their own machine: the passphrase stays there, only the card comes back.
    for (const [name, command] of [
      ['ana', 'npm run keys -- keygen --role monitor --label "Ana López" --out ana.card.json'],
      ['gto', 'npm run keys -- keygen --role official --label "Inspección Gto" --out gto.card.json'],
    ] as const) {
      const r = step(command);
      expect(r.status, r.all).toBe(0);
      people[name] = { keyId: /Sign-in name: ([0-9a-f]+)/.exec(r.err)![1]!, passphrase: /^ {4}(\S+)$/m.exec(r.err)![1]! };
      const card = readFileSync(join(dir, `${name}.card.json`), 'utf8');
      expect(card).not.toContain(people[name]!.passphrase);
    }
  });

  it("should register the readers' cards and sign the lists", () => {
    for (const command of [
      'npm run keys -- register --card ana.card.json --facility planta-silao --admin admin.txt --remote',
      'npm run keys -- register --card gto.card.json --state Guanajuato --admin admin.txt --remote',
      'npm run keys -- sign --admin admin.txt --remote',
    ]) {
      const r = step(command);
      expect(r.status, `${command}\n${r.all}`).toBe(0);
    }
    const list = step('npm run keys -- list --remote');
    expect(list.out).toContain(people.ana!.keyId);
    expect(list.out).toContain(people.gto!.keyId);
    // The card files the README names are ones git ignores.
    const ignored = spawnSync('git', ['check-ignore', 'ana.card.json', 'gto.card.json', 'admin.txt'], { encoding: 'utf8' });
    expect(ignored.stdout.trim().split('\n')).toEqual(['ana.card.json', 'gto.card.json', 'admin.txt']);
  });

  it('should route mail and the digest by command', () => {
    const route = step(
      `npx wrangler d1 execute DB --remote --env production --command "UPDATE facilities SET mail_send_to = 'both' WHERE id = 'planta-silao'"`,
    );
    expect(route.status, route.all).toBe(0);
    const notify = step('npm run keys -- notify --key <sign-in name> --email ana@sindicato.mx --remote', { '<sign-in name>': people.ana!.keyId });
    expect(notify.status, notify.all).toBe(0);
    expect(notify.out).toContain(`the daily digest for ${people.ana!.keyId} goes to ana@sindicato.mx`);
  });

  it('should take a report in Chromium on the production build, which the monitor and the official read', async () => {
    server = await startDevServer({ stateDir: state, cwd: dir, env: { CLOUDFLARE_ENV: 'production' } });
    browser = await launchChromium({ actionTimeoutMs: 120_000 });
    const phone = await phoneContext(browser);
    const page = await phone.newPage();
    const words = `Ensayo de producción ${Date.now()}`;
    // The form checks the plant's reader list against the ADMIN_SIGN_PK built in: the one made above.
    const code = await reportFromPhone(page, { description: words, sendTo: 'both' }, `${server.url}/f/silao`);
    expect(code).toMatch(/\S/);
    const release = spawnSync('npx', ['tsx', 'scripts/release-now.ts', '--persist-to', state], { cwd: dir, env, encoding: 'utf8' });
    expect(release.status, release.stderr).toBe(0);
    for (const who of ['ana', 'gto']) {
      const file = join(state, `${who}.passphrase`);
      writeFileSync(file, `${people[who]!.passphrase}\n`, { mode: 0o600 });
      const read = spawnSync('npx', ['tsx', 'scripts/decrypt-reports.ts', '--passphrase-file', file, '--persist-to', state], {
        cwd: dir,
        env,
        encoding: 'utf8',
      });
      expect(read.status, read.stderr).toBe(0);
      expect(read.stdout, who).toContain(words);
    }
    expect(demoFiles()).toEqual([]);
  });
});
