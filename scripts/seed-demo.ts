/**
 * Seeds local D1 with a demo facility, a demo monitor and a demo labor official, for local
 * development only. Passphrases are generated once, printed, and kept in git-ignored files
 * (.demo-monitor.txt, .demo-official.txt: passphrase, then KDF salt and limits, then the sign-in
 * name), so re-running keeps the same keys. With --history, also a few months of demo history for the
 * officials' figures (scripts/lib/demo-history.ts), written once.
 *
 *   tsx scripts/seed-demo.ts [--persist-to DIR] [--secrets-dir DIR] [--admin FILE] [--history]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { defaultKdfParams, deriveRecipientKeys, fromB64, newPassphrase, toB64, type KdfParams, type Sodium } from '../src/crypto';
import { parseCommandLine, runMain, text, type Values } from './lib/cli';
import { openLocalPlatform } from './lib/local-platform';
import { loadNodeSodium } from './lib/node-sodium';
import { DEMO_ADMIN_FILE, loadAdminKey } from './lib/admin-key';
import { databaseTarget } from './lib/d1-target';
import { registerRecipient, upsertFacility } from './lib/provision';
import { resignReaderLists } from './lib/reader-lists';
import { hasHistory, HISTORY_DAYS, HISTORY_PLANTS, writeHistory } from './lib/demo-history';
import { mexicoDay } from '../src/lib/clock';

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

  npm run seed:demo [-- --persist-to DIR] [--secrets-dir DIR] [--admin FILE] [--history]

  --history           also demo history for the officials' figures (npm run setup adds it): four more demo
                      plants in three states, whose monitor is the demo monitor, and about ${HISTORY_DAYS} days of
                      reports up to yesterday, sealed, released, acknowledged and closed as real ones are;
                      written once (a second run adds none)
  --persist-to DIR    a wrangler state other than .wrangler/state (it must exist: npm run db:migrate)
  --secrets-dir DIR   where the demo passphrase files go (default: here)
  --admin FILE        the administrator that signs the demo lists (default ${DEMO_ADMIN_FILE})
  --help              this text`;
// Inside runMain, so a mistyped flag is one line and exit 2 like every other script's, never a stack trace.
await runMain('seed:demo', () =>
  seed(parseCommandLine(process.argv.slice(2), { 'persist-to': { type: 'string' }, 'secrets-dir': { type: 'string' }, admin: { type: 'string' }, history: { type: 'boolean' } }, HELP).values),
);

async function seed(values: Values) {
  const s = await loadNodeSodium();
  const dir = text(values, 'secrets-dir') ?? '.';
  const platform = await openLocalPlatform(text(values, 'persist-to'));
  try {
    const history = values.history === true;
    await upsertFacility(platform.env.DB, DEMO_FACILITY);
    if (history) for (const { perWeek: _, spikeWeek: __, ...plant } of HISTORY_PLANTS) await upsertFacility(platform.env.DB, plant);
    const monitorPlants = [DEMO_FACILITY.id, ...(history ? HISTORY_PLANTS.map((p) => p.id) : [])];
    let monitorKeys: ReturnType<typeof deriveRecipientKeys> | undefined;
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
        facilities: role === 'monitor' ? monitorPlants : undefined,
      });
      if (role === 'monitor') monitorKeys = keys;
      console.log(`${label}: sign-in name ${keys.keyId}, passphrase ${passphrase} (${fresh ? 'new, ' : ''}in ${file}; local dev only)`);
    }
    // The demo administrator (scripts/dev-secrets.ts) approves the demo readers it just made.
    const admin = loadAdminKey(s, text(values, 'admin') ?? DEMO_ADMIN_FILE);
    await resignReaderLists(s, databaseTarget(platform.env.DB), admin, { yes: true });
    console.log(`Demo facility: ${DEMO_FACILITY.name}, form at /f/${DEMO_FACILITY.shortCode}; reader list signed by the demo administrator`);
    if (history) {
      if (await hasHistory(platform.env.DB)) console.log('Demo history: already there (nothing added)');
      else {
        const today = mexicoDay();
        const { reports, replies } = await writeHistory(s, platform.env, monitorKeys!, today);
        console.log(
          `Demo history: ${reports} demo reports over ${HISTORY_DAYS} days up to yesterday in ${HISTORY_PLANTS.length} more demo plants (${HISTORY_PLANTS.map((p) => p.name).join(', ')}), ${replies} replies by the demo monitor; see the dashboard at /console (demo official) and /transparencia`,
        );
      }
    }
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
