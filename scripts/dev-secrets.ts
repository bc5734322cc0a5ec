/**
 * Local development secrets, made once and never committed: .dev.vars with a proof-of-work signing
 * key, the seed of the constancia signing key and the demo administrator's public key, and .demo-admin.txt with that administrator's
 * passphrase (it signs the demo reader lists). Runs before the build, which puts the key in the bundles.
 *
 *   tsx scripts/dev-secrets.ts
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createAdminFile, DEMO_ADMIN_FILE } from './lib/admin-key';
import { loadNodeSodium } from './lib/node-sodium';

const vars = '.dev.vars';
if (!existsSync(vars)) {
  writeFileSync(vars, `POW_SECRET=${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  console.log(`wrote ${vars}`);
}
if (!existsSync(DEMO_ADMIN_FILE)) {
  createAdminFile(await loadNodeSodium(), DEMO_ADMIN_FILE);
  console.log(`wrote ${DEMO_ADMIN_FILE} (demo administrator, local dev only)`);
  writeFileSync(vars, readFileSync(vars, 'utf8').replace(/^ADMIN_SIGN_PK=.*\n?/m, ''), { mode: 0o600 });
}
// The seed of the key that signs constancias (proofs of filing): a secret of each deployment.
if (!/^CONSTANCIA_SIGN_SK=/m.test(readFileSync(vars, 'utf8'))) {
  appendFileSync(vars, `CONSTANCIA_SIGN_SK=${randomBytes(32).toString('base64url')}\n`);
  console.log(`added CONSTANCIA_SIGN_SK to ${vars}`);
}
if (!/^ADMIN_SIGN_PK=/m.test(readFileSync(vars, 'utf8'))) {
  const publicKey = readFileSync(DEMO_ADMIN_FILE, 'utf8').split('\n')[2]!.trim();
  appendFileSync(vars, `ADMIN_SIGN_PK=${publicKey}\n`);
}
// `wrangler types` (worker-configuration.d.ts, checked by npm test) reads the names in .dev.vars, never
// the values, in file order: keep one order, so every clone, old or fresh, checks the same file.
const order = ['POW_SECRET', 'CONSTANCIA_SIGN_SK', 'ADMIN_SIGN_PK'];
const rank = (line: string) => {
  const i = order.indexOf(line.split('=')[0]!);
  return i === -1 ? order.length : i;
};
const lines = readFileSync(vars, 'utf8')
  .split('\n')
  .filter((line) => line !== '');
const sorted = [...lines].sort((a, b) => rank(a) - rank(b));
if (sorted.join('\n') !== lines.join('\n')) writeFileSync(vars, `${sorted.join('\n')}\n`, { mode: 0o600 });
