/**
 * @module The administrator's signing key on the admin's machine: a passphrase file
 * (passphrase, then "salt ops mem", then the public key) like the readers' demo files. The
 * passphrase never reaches the server; only the public key is a deployment setting (ADMIN_SIGN_PK).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { defaultKdfParams, deriveAdminKey, fromB64, newPassphrase, toB64, type KdfParams, type Sodium } from '../../src/crypto';

export const DEMO_ADMIN_FILE = '.demo-admin.txt';

export interface AdminKey {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
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
  return pair;
}

/**
 * The administrator public key this checkout is built and deployed with: ADMIN_SIGN_PK from the
 * environment, wrangler.toml or (locally only) .dev.vars, whose key is the demo administrator's.
 */
export function configuredAdminKey(opts: { production?: boolean } = {}): string | null {
  if (process.env.ADMIN_SIGN_PK) return process.env.ADMIN_SIGN_PK;
  const pick = (file: string) => (existsSync(file) ? /^\s*ADMIN_SIGN_PK\s*=\s*"?([A-Za-z0-9_-]*)"?/m.exec(readFileSync(file, 'utf8'))?.[1] : undefined);
  return pick('wrangler.toml') || (opts.production ? null : pick('.dev.vars')) || null;
}
