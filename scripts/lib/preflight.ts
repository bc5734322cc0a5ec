/**
 * @module What `npm run deploy` refuses before it builds: each check reads facts gathered elsewhere
 * (scripts/lib/preflight-facts.ts) and says what is wrong and what to do, so it is tested without
 * files, git or a Cloudflare account.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { secretFindings } from './preflight-secrets';

/** The worker tests' administrator (seed 0x42 × 32, vitest.config.ts): its private half is in the repository. */
export const TESTS_ADMIN_PK = 'IVL40Zt5HSRFMkLhXy6rbLfP-ntqXtMAl5YOBpiB2xI';
/** The tests-only constancia seed (bytes 20…3f, vitest.config.ts and docs/crypto.md) and its public key (README). */
export const TESTS_CONSTANCIA_SEED = 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8';
export const TESTS_CONSTANCIA_PK = 'Kay64UG8yvCyLhqU000LxzYeUm0L_hLIl5S8kyKWbdc';
/** The worker tests' proof-of-work key (vitest.config.ts). */
export const TESTS_POW_SECRET = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
/** The Worker's secrets (src/env.ts): set with `wrangler secret put`, never written in wrangler.toml. */
export const SECRETS = ['POW_SECRET', 'CONSTANCIA_SIGN_SK'] as const;

/** The part of a resolved wrangler environment the checks read (wrangler's own config type is wider). */
export interface DeployConfig {
  workers_dev?: boolean;
  preview_urls?: boolean;
  routes?: Array<string | { pattern: string; custom_domain?: boolean; zone_name?: string; zone_id?: string }>;
  observability?: { enabled?: boolean; logs?: { enabled?: boolean; invocation_logs?: boolean }; traces?: { enabled?: boolean } };
  logpush?: boolean;
  tail_consumers?: unknown[];
  vars?: Record<string, unknown>;
  d1_databases?: Array<{ binding: string; database_id?: string }>;
  kv_namespaces?: Array<{ binding: string; id?: string }>;
}

export interface PreflightFacts {
  environment: string;
  config: DeployConfig;
  /** Administrator keys of the local demo (.dev.vars, .demo-admin.txt) found on this machine. */
  demoAdminKeys: string[];
  /** Constancia seeds of the local demo (.dev.vars) found on this machine. */
  demoConstanciaSeeds: string[];
  /** Proof-of-work keys of the local demo (.dev.vars) found on this machine. */
  demoPowSecrets?: string[];
  /** The file given with --secrets-file (uploaded with the deployment): its name and values, or why it could not be read. */
  secretsFile?: { path: string; values: Record<string, string> } | { path: string; error: string };
  /** This shell's ADMIN_SIGN_PK and CONSTANCIA_SIGN_SK, if set (the build and `secret put` may read them). */
  shell: { ADMIN_SIGN_PK?: string; CONSTANCIA_SIGN_SK?: string };
  git: { dirty: boolean; pushed: boolean | null };
  /** Secret names Cloudflare holds for this Worker, or why they could not be listed. */
  secrets: { names: string[] } | { skipped: string };
}

export interface Finding {
  /** `unchecked`: a check that could not run here (offline, or not logged in), said as such. */
  level: 'refuse' | 'warn' | 'note' | 'unchecked';
  message: string;
}

const EXAMPLE_DOMAIN = /(^|\.)(example\.(org|com|net)|example|test|invalid|localhost|local|internal|lan|home\.arpa)$/i;
const LOOPBACK_HOST =
  /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+)$|\.localhost$/i;

/** True for an id nobody created: empty, a REPLACE-… placeholder, or all zeros but for a last digit (the local ones). */
export function placeholderId(id: string | undefined, shape: RegExp): boolean {
  return !id || !shape.test(id) || /^[0-]*[0-9a-f]?$/i.test(id);
}

/** The Ed25519 public key (base64url) of a constancia seed, as the Worker derives it. */
export function constanciaPublicKey(seedB64: string): string | null {
  const seed = Buffer.from(seedB64, 'base64url');
  if (seed.length !== 32) return null;
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }).x ?? null;
}

export function preflight(f: PreflightFacts): Finding[] {
  const out: Finding[] = [];
  const env = f.environment;
  const refuse = (message: string) => out.push({ level: 'refuse', message });
  const vars = f.config.vars ?? {};
  const v = (name: string) => (typeof vars[name] === 'string' ? (vars[name] as string).trim() : '');

  // Storage: the ids `wrangler d1 create` / `kv namespace create` printed, not the shipped placeholders.
  const d1 = f.config.d1_databases?.find((d) => d.binding === 'DB');
  if (placeholderId(d1?.database_id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)) {
    refuse(
      `D1 database id "${d1?.database_id ?? ''}" is a placeholder: run npx wrangler d1 create buzon and put the database_id it prints in [[env.${env}.d1_databases]] of wrangler.toml`,
    );
  }
  for (const binding of ['BLOBS', 'STATE']) {
    const kv = f.config.kv_namespaces?.find((k) => k.binding === binding);
    if (placeholderId(kv?.id, /^[0-9a-f]{32}$/i)) {
      refuse(
        `KV namespace ${binding} id "${kv?.id ?? ''}" is a placeholder: run npx wrangler kv namespace create ${binding} and put the id it prints in [[env.${env}.kv_namespaces]] of wrangler.toml`,
      );
    }
  }

  // The administrator key: made offline for this deployment, never the demo's or the tests'.
  const admin = v('ADMIN_SIGN_PK');
  const adminTodo = `make one offline with npm run keys -- admin-init --out admin.txt and put the printed ADMIN_SIGN_PK in [env.${env}.vars] of wrangler.toml`;
  if (!/^[A-Za-z0-9_-]{43}$/.test(admin)) refuse(`ADMIN_SIGN_PK in [env.${env}.vars] is ${admin ? 'not a key' : 'empty'}: ${adminTodo}`);
  else if (admin === TESTS_ADMIN_PK) refuse(`ADMIN_SIGN_PK is the tests' administrator key (its private half is in vitest.config.ts): ${adminTodo}`);
  else if (f.demoAdminKeys.includes(admin))
    refuse(`ADMIN_SIGN_PK is this machine's local demo administrator key (.dev.vars / .demo-admin.txt, made by npm run setup): ${adminTodo}`);
  if (f.shell.ADMIN_SIGN_PK && f.shell.ADMIN_SIGN_PK !== admin) {
    refuse(`this shell's ADMIN_SIGN_PK is not the one in [env.${env}.vars]; the build would refuse: unset ADMIN_SIGN_PK, or make the two the same`);
  }

  // Secrets belong to `wrangler secret put`, and the tests' constancia seed signs nothing real.
  for (const name of SECRETS) {
    if (name in vars)
      refuse(
        `${name} is written in [env.${env}.vars], in clear in wrangler.toml: delete it there and set it with npx wrangler secret put ${name} --env ${env}`,
      );
  }
  const seeds = [v('CONSTANCIA_SIGN_SK'), f.shell.CONSTANCIA_SIGN_SK?.trim() ?? ''].filter(Boolean);
  const newSeed = `make a new one: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))" | npx wrangler secret put CONSTANCIA_SIGN_SK --env ${env}`;
  if (seeds.includes(TESTS_CONSTANCIA_SEED))
    refuse(`CONSTANCIA_SIGN_SK is the tests-only seed (vitest.config.ts; public key ${TESTS_CONSTANCIA_PK}): anyone could forge constancias; ${newSeed}`);
  if (seeds.some((s) => f.demoConstanciaSeeds.includes(s))) refuse(`CONSTANCIA_SIGN_SK is this machine's local demo seed (.dev.vars): ${newSeed}`);

  // One https origin on the operator's own domain, the one the custom-domain route serves.
  const origin = v('PUBLIC_ORIGIN');
  let host = '';
  try {
    const url = new URL(origin);
    const h = url.hostname;
    if (url.protocol !== 'https:') refuse(`PUBLIC_ORIGIN "${origin}" is not https: put https://<your domain> in [env.${env}.vars]`);
    else if (LOOPBACK_HOST.test(h)) refuse(`PUBLIC_ORIGIN "${origin}" is a local address: put https://<your domain> in [env.${env}.vars]`);
    else if (EXAMPLE_DOMAIN.test(h)) refuse(`PUBLIC_ORIGIN "${origin}" is an example domain: put https://<your domain> in [env.${env}.vars]`);
    else if (url.origin !== origin.replace(/\/$/, '')) refuse(`PUBLIC_ORIGIN "${origin}" has a path: give the origin only, like https://${h}`);
    else host = h; // a usable origin: the custom domain must be its host
  } catch {
    refuse(`PUBLIC_ORIGIN "${origin}" is not a URL: put https://<your domain> in [env.${env}.vars]`);
  }
  const email = v('EMAIL_DOMAIN');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(email) || EXAMPLE_DOMAIN.test(email)) {
    refuse(
      `EMAIL_DOMAIN "${email}" is ${email ? 'an example or local domain' : 'empty'}: put the domain whose mail Email Routing sends to the Worker in [env.${env}.vars]`,
    );
  }

  // Where it is served: the custom domain only.
  if (f.config.workers_dev !== false)
    refuse(`workers_dev is not false: set workers_dev = false in [env.${env}] so the Worker has no second, *.workers.dev address`);
  if (f.config.preview_urls === true) refuse(`preview_urls is on: set preview_urls = false in [env.${env}]`);
  const domains = (f.config.routes ?? []).flatMap((r) => (typeof r === 'object' && r.custom_domain ? [r.pattern] : []));
  if (domains.length === 0) refuse(`no custom domain: add routes = [{ pattern = "<your domain>", custom_domain = true }] to [env.${env}]`);
  else if (host && !domains.includes(host))
    refuse(`PUBLIC_ORIGIN's host ${host} is not the custom domain ${domains.join(', ')} in [env.${env}] routes: make them the same`);
  else if (domains.some((d) => EXAMPLE_DOMAIN.test(d)))
    refuse(`the custom domain ${domains.join(', ')} is an example domain: put your domain in [env.${env}] routes`);

  // No request metadata recorded by the platform.
  const o = f.config.observability;
  if (o?.enabled || o?.logs?.enabled || o?.logs?.invocation_logs || o?.traces?.enabled) {
    refuse(`observability (Workers Logs or traces) is on: set [env.${env}.observability] enabled = false, and no logs or traces under it`);
  }
  if (f.config.logpush) refuse(`logpush is on: remove logpush = true from [env.${env}]`);
  if (f.config.tail_consumers?.length) refuse(`tail_consumers are set: remove them from [env.${env}]; they receive every request's metadata`);

  // What others can check the deployment against (README "Checking a deployment").
  if (f.git.dirty)
    out.push({
      level: 'warn',
      message: 'the working tree has uncommitted changes: the build will name the commit with -dirty and nobody can rebuild it; commit and push first',
    });
  if (f.git.pushed === false)
    out.push({ level: 'warn', message: 'this commit is on no remote branch: push it where the repository is public, so npm run verify can rebuild it' });

  out.push(...secretFindings(f));
  return out;
}
