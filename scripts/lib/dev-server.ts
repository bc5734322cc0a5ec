/**
 * @module A throwaway Buzón on real `wrangler dev` (workerd, local D1/KV) with its own state
 * directory, for end-to-end tests and benchmarks.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';

const run = promisify(execFile);

/** Keeps wrangler offline and quiet. */
export const QUIET_WRANGLER = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  NO_UPDATE_NOTIFIER: '1',
};

export interface DevServer {
  url: string;
  /** Directory holding the server's D1/KV state (wrangler's --persist-to) and the demo passphrase files. */
  stateDir: string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Applies migrations and seeds the demo facility and keys into a fresh state directory; `admin`
 * names the administrator file that signs the demo reader list (default: the demo administrator).
 */
export async function prepareState(stateDir?: string, opts: { admin?: string } = {}): Promise<string> {
  const dir = stateDir ?? (await mkdtemp(join(tmpdir(), 'buzon-')));
  const env = { ...process.env, ...QUIET_WRANGLER };
  await run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], { env });
  await run('npx', ['tsx', 'scripts/seed-demo.ts', '--persist-to', dir, '--secrets-dir', dir, ...(opts.admin ? ['--admin', opts.admin] : [])], { env });
  return dir;
}

/**
 * Brings the release hour forward on a local state: readers see waiting reports and answers now,
 * through the same local-only command a developer uses (`npm run release:now`).
 */
export async function releaseNow(stateDir: string): Promise<void> {
  await run('npx', ['tsx', 'scripts/release-now.ts', '--persist-to', stateDir], { env: { ...process.env, ...QUIET_WRANGLER } });
}

/**
 * Starts wrangler dev on a free port and waits until it answers; `env` adds to its environment,
 * `cwd` serves another copy of the source (default: this one), `args` go to wrangler dev as they are.
 */
export async function startDevServer(opts: { stateDir: string; vars?: Record<string, string>; env?: Record<string, string>; cwd?: string; args?: string[] }): Promise<DevServer> {
  const port = await freePort();
  const vars = { POW_SECRET: randomBytes(32).toString('base64url'), CONSTANCIA_SIGN_SK: randomBytes(32).toString('base64url'), ...opts.vars };
  const args = ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', opts.stateDir, '--log-level', process.env.WLOG ?? 'warn'];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  args.push(...(opts.args ?? []));
  const child: ChildProcess = spawn('npx', args, { cwd: opts.cwd, env: { ...process.env, ...QUIET_WRANGLER, ...opts.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d, process.env.WLOG && process.stdout.write(d)));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await new Promise((r) => setTimeout(r, 300));
  };
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, stateDir: opts.stateDir, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`wrangler dev did not start:\n${output}`);
}
