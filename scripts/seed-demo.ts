/**
 * Seeds local D1 with a demo facility, a demo monitor and a demo labor official, for local
 * development only. Passphrases are generated once, printed, and kept in git-ignored files
 * (.demo-monitor.txt, .demo-official.txt: passphrase, then KDF salt and limits, then the sign-in
 * name), so re-running keeps the same keys.
 *
 *   tsx scripts/seed-demo.ts [--persist-to DIR] [--secrets-dir DIR] [--admin FILE]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { defaultKdfParams, deriveRecipientKeys, fromB64, newPassphrase, toB64, type KdfParams, type Sodium } from '../src/crypto';
import { parseCommandLine, runMain, text } from './lib/cli';
import { openLocalPlatform } from './lib/local-platform';
import { loadNodeSodium } from './lib/node-sodium';
import { DEMO_ADMIN_FILE, loadAdminKey } from './lib/admin-key';
import { databaseTarget } from './lib/d1-target';
import { registerRecipient, upsertFacility } from './lib/provision';
import { resignReaderLists } from './lib/reader-lists';

export const DEMO_FACILITY = {
  id: 'demo-silao',
  name: 'Planta Demo Silao',
  shortCode: 'demo',
  emailLocal: 'demo',
  state: 'Guanajuato',
  municipality: 'Silao',
  sector: 'automotive',
};

const HELP = `Seeds local D1 with a demo plant, a demo monitor and a demo labor official (local development only).

  npm run seed:demo [-- --persist-to DIR] [--secrets-dir DIR] [--admin FILE]

  --persist-to DIR    a wrangler state other than .wrangler/state (it must exist: npm run db:migrate)
  --secrets-dir DIR   where the demo passphrase files go (default: here)
  --admin FILE        the administrator that signs the demo lists (default ${DEMO_ADMIN_FILE})
  --help              this text`;
const { values } = parseCommandLine(
  process.argv.slice(2),
  { 'persist-to': { type: 'string' }, 'secrets-dir': { type: 'string' }, admin: { type: 'string' } },
  HELP,
);

await runMain('seed:demo', seed);

async function seed() {
  const s = await loadNodeSodium();
  const dir = text(values, 'secrets-dir') ?? '.';
  const platform = await openLocalPlatform(text(values, 'persist-to'));
  try {
    await upsertFacility(platform.env.DB, DEMO_FACILITY);
    for (const [role, file, label] of [
      ['monitor', `${dir}/.demo-monitor.txt`, 'Demo monitor'],
      ['official', `${dir}/.demo-official.txt`, 'Demo labor official'],
    ] as const) {
      const { passphrase, kdf, fresh } = loadOrCreate(s, file);
      const keys = deriveRecipientKeys(s, passphrase, kdf);
      writeFileSync(file, `${passphrase}\n${toB64(s, kdf.salt)} ${kdf.opsLimit} ${kdf.memLimit}\n${keys.keyId}\n`, { mode: 0o600 });
      await registerRecipient(s, platform.env.DB, {
        role,
        label,
        keys,
        kdf,
        facilities: role === 'monitor' ? [DEMO_FACILITY.id] : undefined,
      });
      console.log(`${label}: sign-in name ${keys.keyId}, passphrase ${passphrase} (${fresh ? 'new, ' : ''}in ${file}; local dev only)`);
    }
    // The demo administrator (scripts/dev-secrets.ts) approves the demo readers it just made.
    const admin = loadAdminKey(s, text(values, 'admin') ?? DEMO_ADMIN_FILE);
    await resignReaderLists(s, databaseTarget(platform.env.DB), admin, { yes: true });
    console.log(`Demo facility: ${DEMO_FACILITY.name}, form at /f/${DEMO_FACILITY.shortCode}; reader list signed by the demo administrator`);
  } finally {
    await platform.dispose();
  }
}

function loadOrCreate(s: Sodium, file: string): { passphrase: string; kdf: KdfParams; fresh: boolean } {
  if (existsSync(file)) {
    const [passphrase, salt, ops, mem] = readFileSync(file, 'utf8').trim().split(/\s+/);
    return { passphrase: passphrase!, kdf: { salt: fromB64(s, salt!), opsLimit: Number(ops), memLimit: Number(mem) }, fresh: false };
  }
  return { passphrase: newPassphrase(s), kdf: defaultKdfParams(s), fresh: true };
}
