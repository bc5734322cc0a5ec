/**
 * @module The administrator's signing key on the admin's machine: a passphrase file
 * (passphrase, then "salt ops mem", then the public key) like the readers' demo files. The
 * passphrase never reaches the server; only the public key is a deployment setting (ADMIN_SIGN_PK).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { experimental_readRawConfig } from 'wrangler';
import { defaultKdfParams, deriveAdminKey, fromB64, newPassphrase, toB64, type KdfParams, type Sodium } from '../../src/crypto';

export const DEMO_ADMIN_FILE = '.demo-admin.txt';

export interface AdminKey {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  /** The file the key came from: it also keeps the last reader list signed for each plant of each database. */
  file?: string;
}

/** The last reader list the administrator signed for one plant of one database: when, and the BLAKE2b of its signed text. */
export interface SignedListMark {
  database: string;
  facility: string;
  issued: string;
  hash: string;
}

/** The marks in an administrator file: lines "list <database> <facility> <issued> <hash>" after the key. */
export function signedListMarks(file: string): SignedListMark[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(3)
    .map((l) => l.trim().split(' '))
    .filter((p) => p.length === 5 && p[0] === 'list')
    .map(([, database, facility, issued, hash]) => ({ database: decodeURIComponent(database!), facility: facility!, issued: issued!, hash: hash! }));
}

/** Writes these marks into the file, each replacing the one for its database and plant; the key lines stay as they are. */
export function rememberSignedLists(file: string, marks: SignedListMark[]) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const key = lines.slice(0, 3);
  const fresh = new Set(marks.map((m) => `${m.database} ${m.facility}`));
  const kept = signedListMarks(file).filter((m) => !fresh.has(`${m.database} ${m.facility}`));
  const text = [...kept, ...marks].map((m) => `list ${encodeURIComponent(m.database)} ${m.facility} ${m.issued} ${m.hash}`);
  writeFileSync(file, `${[...key, ...text].join('\n')}\n`, { mode: 0o600 });
}

/** Makes a new administrator passphrase and writes its file (mode 600); returns the passphrase. */
export function createAdminFile(s: Sodium, file: string): { passphrase: string; publicKey: string } {
  const passphrase = newPassphrase(s);
  const kdf = defaultKdfParams(s);
  const pair = deriveAdminKey(s, passphrase, kdf);
  const publicKey = toB64(s, pair.publicKey);
  writeFileSync(file, `${passphrase}\n${toB64(s, kdf.salt)} ${kdf.opsLimit} ${kdf.memLimit}\n${publicKey}\n`, { mode: 0o600 });
  s.memzero(pair.privateKey);
  return { passphrase, publicKey };
}

/** The key in an administrator file; the passphrase may instead be given in BUZON_ADMIN_PASSPHRASE. */
export function loadAdminKey(s: Sodium, file: string): AdminKey {
  if (!existsSync(file)) throw new Error(`no administrator key file ${file} (npm run keys -- admin-init --out FILE)`);
  const lines = readFileSync(file, 'utf8').split('\n').map((l) => l.trim());
  const passphrase = process.env.BUZON_ADMIN_PASSPHRASE?.trim() || lines[0]!;
  const [salt, ops, mem] = lines[1]!.split(/\s+/);
  const kdf: KdfParams = { salt: fromB64(s, salt!), opsLimit: Number(ops), memLimit: Number(mem) };
  const pair = deriveAdminKey(s, passphrase, kdf);
  if (lines[2] && lines[2] !== toB64(s, pair.publicKey)) throw new Error(`the passphrase does not give the public key written in ${file}`);
  return { ...pair, file };
}

/**
 * The administrator public key this checkout is built and deployed with: ADMIN_SIGN_PK from the
 * environment, else, for a deployment (`--env production` or CLOUDFLARE_ENV=production), only
 * [env.production.vars] of wrangler.toml; locally wrangler.toml's [vars], then (unless `production`)
 * the demo's .dev.vars.
 */
export function configuredAdminKey(opts: { production?: boolean; environment?: string } = {}): string | null {
  if (process.env.ADMIN_SIGN_PK) return process.env.ADMIN_SIGN_PK;
  const environment = opts.environment ?? process.env.CLOUDFLARE_ENV;
  if (environment) {
    const vars = experimental_readRawConfig({ config: 'wrangler.toml' }).rawConfig.env?.[environment]?.vars as Record<string, unknown> | undefined;
    return typeof vars?.ADMIN_SIGN_PK === 'string' && vars.ADMIN_SIGN_PK ? vars.ADMIN_SIGN_PK : null;
  }
  const pick = (file: string) => (existsSync(file) ? /^\s*ADMIN_SIGN_PK\s*=\s*"?([A-Za-z0-9_-]*)"?/m.exec(readFileSync(file, 'utf8'))?.[1] : undefined);
  return pick('wrangler.toml') || (opts.production ? null : pick('.dev.vars')) || null;
}
