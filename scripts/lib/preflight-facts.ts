/**
 * @module Gathers what the deploy preflight (scripts/lib/preflight.ts) checks: the environment's
 * resolved wrangler config, the local demo's keys (read only to refuse them), git's state, and the
 * secrets Cloudflare holds when this machine is logged in.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { experimental_readRawConfig, unstable_readConfig } from 'wrangler';
import type { DeployConfig, PreflightFacts } from './preflight';

export const QUIET = { WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', NO_UPDATE_NOTIFIER: '1' };

/** The environment's config as wrangler resolves it; null when wrangler.toml has no [env.NAME]. */
export function deployConfig(root: string, environment: string): DeployConfig | null {
  const config = join(root, 'wrangler.toml');
  if (!experimental_readRawConfig({ config }).rawConfig.env?.[environment]) return null;
  return unstable_readConfig({ config, env: environment }) as unknown as DeployConfig;
}

const readVar = (text: string, name: string) => new RegExp(`^\\s*${name}\\s*=\\s*"?([A-Za-z0-9_-]*)"?`, 'm').exec(text)?.[1] || null;

/** The local demo's administrator keys and constancia seed on this machine (scripts/dev-secrets.ts). */
function demoKeys(root: string) {
  const read = (file: string) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : '');
  const devVars = read('.dev.vars');
  const adminFile = read('.demo-admin.txt').split('\n')[2]?.trim();
  return {
    demoAdminKeys: [readVar(devVars, 'ADMIN_SIGN_PK'), adminFile].filter((k): k is string => !!k),
    demoConstanciaSeeds: [readVar(devVars, 'CONSTANCIA_SIGN_SK')].filter((k): k is string => !!k),
    demoPowSecrets: [readVar(devVars, 'POW_SECRET')].filter((k): k is string => !!k),
  };
}

function gitState(root: string): PreflightFacts['git'] {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const dirty = git('status', '--porcelain', '--untracked-files=no').trim() !== '';
    let pushed: boolean | null = null;
    try {
      pushed = git('branch', '-r', '--contains', 'HEAD').trim() !== '';
    } catch {
      pushed = null;
    }
    return { dirty, pushed };
  } catch {
    return { dirty: false, pushed: null };
  }
}

/** The Worker's secret names, through `wrangler secret list` (needs a login and the network). */
function secretNames(root: string, environment: string): PreflightFacts['secrets'] {
  try {
    const out = execFileSync('npx', ['wrangler', 'secret', 'list', '--env', environment, '--format', 'json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...QUIET },
    });
    return { names: (JSON.parse(out) as Array<{ name: string }>).map((s) => s.name) };
  } catch (e) {
    const said = `${(e as { stderr?: string }).stderr ?? ''}${(e as { stdout?: string }).stdout ?? ''}`;
    // A Worker that does not exist yet has no secrets: the first deployment sets them before deploying.
    if (/not found|does not exist|10007/i.test(said) && !/auth|log ?in/i.test(said)) return { names: [] };
    if (/auth|log ?in|token/i.test(said)) return { skipped: 'not logged in to Cloudflare (npx wrangler login)' };
    return { skipped: `wrangler secret list failed: ${said.trim().split('\n').find(Boolean) ?? 'no output'}` };
  }
}

/** A secrets file as `wrangler deploy --secrets-file` takes it: a JSON object of strings, or KEY=value lines (.env). */
export function readSecretsFile(path: string): NonNullable<PreflightFacts['secretsFile']> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { path, error: (e as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
  if (text.trim().startsWith('{')) {
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      if (Object.values(json).every((v) => typeof v === 'string')) return { path, values: json as Record<string, string> };
    } catch {
      /* said below */
    }
    return { path, error: 'not a JSON object of strings' };
  }
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) return { path, error: `a line is not KEY=value` };
    values[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return { path, values };
}

export function gatherFacts(root: string, environment: string, config: DeployConfig, opts: { offline: boolean; secretsFile?: string }): PreflightFacts {
  return {
    environment,
    config,
    ...demoKeys(root),
    shell: { ADMIN_SIGN_PK: process.env.ADMIN_SIGN_PK || undefined, CONSTANCIA_SIGN_SK: process.env.CONSTANCIA_SIGN_SK || undefined },
    git: gitState(root),
    secrets: opts.offline ? { skipped: '--offline' } : secretNames(root, environment),
    ...(opts.secretsFile ? { secretsFile: readSecretsFile(opts.secretsFile) } : {}),
  };
}
