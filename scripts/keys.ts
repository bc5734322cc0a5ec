/**
 * Admin CLI for facilities and readers' keys. Private keys and passphrases never leave the
 * machine this runs on; only public keys and KDF parameters are written to D1.
 *
 *   npm run keys -- admin-init --out admin.txt
 *   npm run keys -- keygen --role monitor|official --label "Name" [--out card.json]
 *   npm run keys -- register --card card.json (--facility ID[,ID] | --state STATE | --national) [--force] [--remote]
 *   npm run keys -- retire --key KEY_ID [--remote]
 *   npm run keys -- facility --id ID --name NAME --short CODE --email LOCAL --state S --municipality M --sector SECTOR [--remote]
 *   npm run keys -- sign [--yes] [--remote]
 *   npm run keys -- notify --key KEY_ID (--email ADDRESS | --clear) [--remote]
 *   npm run keys -- retention --facility ID (--closed-days N | --idle-days N | --default) [--remote]
 *   npm run keys -- list [--remote]
 *   npm run keys -- recovery --facility ID [--out CARD] [--force | --clear] [--remote]
 *   npm run keys -- handover --from OLD_KEY --to NEW_KEY [--passphrase-file FILE | --recovery-file CARD] [--remote]
 *
 * Local commands use .wrangler/state (or --persist-to DIR); --remote goes through wrangler.
 * register, retire, facility and sign re-sign every facility's reader list with the administrator
 * key (--admin FILE, default .demo-admin.txt; the passphrase may come from BUZON_ADMIN_PASSPHRASE).
 * They refuse to sign a reader found in D1 that no earlier list approved, naming it: someone wrote
 * it straight into the database. `sign --yes` approves what D1 holds now (first signing, or after checking).
 *
 * `recovery` makes a plant's recovery key offline and prints its card (the only copy of its private
 * key; keep it on paper): every new report for the plant's monitors is then sealed to it as well.
 * `handover` seals every case OLD_KEY can open to NEW_KEY (a registered, active, signed reader of
 * each case's scope), opening them offline with OLD_KEY's passphrase (--passphrase-file, or
 * BUZON_PASSPHRASE) or, for a recovery key, its card (--recovery-file, or BUZON_RECOVERY_CODE). Audited.
 *
 * `register` checks the card (its key id must be its box key's), never re-activates a retired key,
 * and will not widen an official's scope or change a monitor's facilities without --force: it
 * prints what it would change. A monitor's --facility list is the whole list, not an addition.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SECTORS } from '../src/domain/facility';
import { defaultKdfParams, deriveRecipientKeys, newPassphrase, toB64 } from '../src/crypto';
import { handoverCommand, recoveryCommand } from './lib/access-commands';
import { openTarget, type D1Target, type Statement } from './lib/d1-target';
import { option } from './lib/local-platform';
import { configuredAdminKey, createAdminFile, DEMO_ADMIN_FILE, loadAdminKey } from './lib/admin-key';
import { loadNodeSodium } from './lib/node-sodium';
import { planRegistration, type Card, type RegisteredKey } from './lib/provision';
import { assertConfiguredAdmin, resignReaderLists } from './lib/reader-lists';

const command = process.argv[2];
const flag = (name: string) => process.argv.includes(`--${name}`);
const need = (name: string): string => {
  const v = option(name);
  if (!v) fail(`missing --${name}`);
  return v!;
};
function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function keygen() {
  const s = await loadNodeSodium();
  const role = need('role');
  if (role !== 'monitor' && role !== 'official') fail('--role must be monitor or official');
  const label = need('label');
  const passphrase = newPassphrase(s);
  const kdf = defaultKdfParams(s);
  const keys = deriveRecipientKeys(s, passphrase, kdf);
  const card: Card = {
    keyId: keys.keyId,
    role,
    label,
    boxPk: toB64(s, keys.box.publicKey),
    signPk: toB64(s, keys.sign.publicKey),
    kdf: { salt: toB64(s, kdf.salt), ops: kdf.opsLimit, mem: kdf.memLimit },
  };
  console.error(`Passphrase for ${label} (shown once, 100 bits; write it down, it cannot be recovered):\n\n    ${passphrase}\n`);
  console.error(`Sign-in name: ${keys.keyId}`);
  const out = option('out');
  if (out) {
    writeFileSync(out, `${JSON.stringify(card, null, 2)}\n`);
    console.error(`Public card (no secrets) written to ${out}; register it with: npm run keys -- register --card ${out} ...`);
  } else console.log(JSON.stringify(card, null, 2));
}

/** What the command line asks for: a monitor's facilities, or an official's state (null: national). */
function wantedScope(card: Card) {
  const facilities = [...new Set(option('facility')?.split(',').filter(Boolean) ?? [])];
  const state = option('state') ?? null;
  if (card.role === 'monitor' && facilities.length === 0) fail('a monitor needs --facility ID[,ID]');
  if (card.role === 'official' && !state && !flag('national')) fail('an official needs --state STATE or --national');
  if (card.role === 'official' && state && flag('national')) fail('give --state STATE or --national, not both');
  return { scopeState: card.role === 'official' ? state : null, facilities: card.role === 'monitor' ? facilities : [] };
}

async function registered(target: D1Target, keyId: string): Promise<RegisteredKey | null> {
  const [row] = await target.query<Omit<RegisteredKey, 'facilities'> & { facilities: string | null }>(
    `SELECT role, label, status, box_pk AS boxPk, sign_pk AS signPk, scope_state AS scopeState,
            (SELECT group_concat(facility_id) FROM recipient_facilities WHERE key_id = ?1) AS facilities
       FROM recipients WHERE key_id = ?1`,
    [keyId],
  );
  return row ? { ...row, facilities: row.facilities ? row.facilities.split(',') : [] } : null;
}

function registerStatements(card: Card, wanted: { scopeState: string | null; facilities: string[] }): Statement[] {
  return [
    {
      // Never re-activates a retired key, even if it was retired after the check above.
      sql: `INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem, scope_state, status)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'active')
            ON CONFLICT (key_id) DO UPDATE SET label = ?3, scope_state = ?9 WHERE status = 'active'`,
      params: [card.keyId, card.role, card.label, card.boxPk, card.signPk, card.kdf.salt, card.kdf.ops, card.kdf.mem, wanted.scopeState],
    },
    ...(card.role === 'monitor'
      ? [
          { sql: 'DELETE FROM recipient_facilities WHERE key_id = ?1', params: [card.keyId] },
          ...wanted.facilities.map((f) => ({ sql: 'INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, ?2)', params: [card.keyId, f] })),
        ]
      : []),
  ];
}

/** Re-signs the reader lists after a change; `allow` is the key this command added or changed. */
async function resign(target: D1Target, allow: string[] = [], undo: Statement[] = []) {
  const s = await loadNodeSodium();
  const admin = loadAdminKey(s, option('admin') ?? DEMO_ADMIN_FILE);
  assertConfiguredAdmin(s, admin, configuredAdminKey());
  const { changes, unapproved } = await resignReaderLists(s, target, admin, { allow, yes: flag('yes') });
  try {
    if (unapproved.length) {
      if (undo.length) await target.run(undo);
      fail(
        `refused to sign the reader lists: D1 holds what no signed list approved (written straight into the database?):\n  ${unapproved.join('\n  ')}\nUndo it, or if it is meant (a new plant's first readers, say): run the command again with --yes, or npm run keys -- sign --yes`,
      );
    }
    for (const [facility, said] of changes) console.log(`reader list of ${facility} signed${said.length ? `:\n  ${said.join('\n  ')}` : ''}`);
  } finally {
    s.memzero(admin.privateKey);
  }
}

/** What the access commands (scripts/lib/access-commands.ts) use of this command line. */
const cli = { need, flag, fail, resign };

function adminInit() {
  const out = need('out');
  return loadNodeSodium().then((s) => {
    const { passphrase, publicKey } = createAdminFile(s, out);
    console.error(`Administrator passphrase (also in ${out}; keep that file offline, it signs who may read reports):\n\n    ${passphrase}\n`);
    console.log(`Set the deployment's administrator key in wrangler.toml [vars]:\n  ADMIN_SIGN_PK = "${publicKey}"\nthen build and deploy, and sign the lists: npm run keys -- sign --yes --admin ${out}`);
  });
}

/** The usage in this file's header comment, for --help. */
function usage(): never {
  const header = readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]!;
  console.log(header.replace(/^\/\*\*\n?/, '').replace(/^ \* ?/gm, '').trim());
  process.exit(0);
}

async function main() {
  if (!command || command === '--help' || command === 'help' || flag('help')) usage();
  if (command === 'keygen') return keygen();
  if (command === 'admin-init') return adminInit();
  const target = await openTarget({ remote: flag('remote'), persistTo: option('persist-to') });
  try {
    switch (command) {
      case 'register': {
        const card = JSON.parse(readFileSync(need('card'), 'utf8')) as Card;
        if (card.role !== 'monitor' && card.role !== 'official') fail('the card\'s role must be monitor or official');
        const wanted = wantedScope(card);
        const known = new Set((await target.query<{ id: string }>('SELECT id FROM facilities')).map((f) => f.id));
        const unknown = wanted.facilities.filter((f) => !known.has(f));
        if (unknown.length) fail(`no facility ${unknown.join(', ')}: create it first with npm run keys -- facility --id ${unknown[0]} …`);
        const plan = planRegistration(await loadNodeSodium(), card, wanted, await registered(target, card.keyId));
        if (!plan.ok) fail(`refused: ${plan.reason}`);
        if (plan.needsForce && !flag('force')) {
          fail(`refused: this would change ${card.role} ${card.label} (${card.keyId}):\n  ${plan.changes.join('\n  ')}\nRun again with --force if that is meant.`);
        }
        await target.run(registerStatements(card, wanted));
        for (const change of plan.changes) console.log(`  ${change}`);
        console.log(`registered ${card.role} ${card.label} (${card.keyId})`);
        await resign(target, [card.keyId]);
        break;
      }
      case 'retire': {
        const key = need('key');
        if (!(await registered(target, key))) fail(`no registered key ${key}`);
        await target.run([{ sql: "UPDATE recipients SET status = 'retired' WHERE key_id = ?1", params: [key] }]);
        await resign(target);
        console.log(
          `retired ${key}: it can no longer sign in, its open sessions end at their next request, and new reports are no longer sealed to it; what was sealed to it still opens offline with npm run decrypt`,
        );
        break;
      }
      case 'facility': {
        const sector = need('sector');
        if (!(SECTORS as readonly string[]).includes(sector)) fail(`--sector must be one of ${SECTORS.join(', ')}`);
        const id = need('id');
        if (!/^[a-z0-9-]{1,64}$/.test(id)) fail('--id must be lowercase letters, digits and dashes');
        await target.run([
          {
            sql: `INSERT INTO facilities (id, name, short_code, email_local, state, municipality, sector) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                  ON CONFLICT (id) DO UPDATE SET name = ?2, short_code = ?3, email_local = ?4, state = ?5, municipality = ?6, sector = ?7`,
            params: [id, need('name'), need('short').toLowerCase(), need('email').toLowerCase(), need('state'), need('municipality'), sector],
          },
        ]);
        console.log(`facility ${id} saved`);
        await resign(target);
        break;
      }
      case 'sign':
        await resign(target);
        break;
      case 'retention': {
        // A plant's own retention (docs/privacy.md); --default goes back to the deployment's.
        const id = need('facility');
        const days = (name: string) => {
          const v = option(name);
          if (v === undefined) return undefined;
          if (!/^[1-9]\d{0,4}$/.test(v)) fail(`--${name} must be a whole number of days`);
          return Number(v);
        };
        const closed = flag('default') ? null : days('closed-days');
        const idle = flag('default') ? null : days('idle-days');
        if (closed === undefined && idle === undefined) fail('give --closed-days N, --idle-days N or --default');
        const [row] = await target.query<{ id: string }>('SELECT id FROM facilities WHERE id = ?1', [id]);
        if (!row) fail(`no facility ${id}`);
        await target.run([
          {
            sql: 'UPDATE facilities SET retention_closed_days = CASE WHEN ?2 = -1 THEN retention_closed_days ELSE ?3 END, retention_idle_days = CASE WHEN ?4 = -1 THEN retention_idle_days ELSE ?5 END WHERE id = ?1',
            params: [id, closed === undefined ? -1 : 0, closed ?? null, idle === undefined ? -1 : 0, idle ?? null],
          },
        ]);
        console.log(`retention of ${id}: closed cases kept ${closed === null ? 'the default' : (closed ?? 'unchanged')} days, idle cases ${idle === null ? 'the default' : (idle ?? 'unchanged')} days`);
        break;
      }
      case 'notify': {
        // Where the reader's daily digest goes (src/notify/digest.ts); --clear stops it.
        const key = need('key');
        const address = flag('clear') ? null : need('email').trim().toLowerCase();
        if (address !== null && !/^[^\s@<>(),;:"\[\]]+@[^\s@<>(),;:"\[\]]+\.[^\s@<>(),;:"\[\]]+$/.test(address)) fail('--email must be a plain address, like ana@example.org');
        if (!(await registered(target, key))) fail(`no registered key ${key}`);
        await target.run([{ sql: 'UPDATE recipients SET notify_email = ?2, last_digest_day = NULL WHERE key_id = ?1', params: [key, address] }]);
        console.log(address ? `the daily digest for ${key} goes to ${address}` : `no daily digest for ${key}`);
        break;
      }
      case 'list': {
        const rows = await target.query<Record<string, unknown>>(
          `SELECT r.key_id, r.role, r.label, r.status, r.scope_state, group_concat(rf.facility_id) AS facilities
             FROM recipients r LEFT JOIN recipient_facilities rf ON rf.key_id = r.key_id GROUP BY r.key_id ORDER BY r.role, r.label`,
        );
        console.table(rows);
        break;
      }
      case 'recovery':
        await recoveryCommand(target, cli);
        break;
      case 'handover':
        await handoverCommand(target, cli);
        break;
      default:
        fail('usage: npm run keys -- admin-init|keygen|register|retire|facility|sign|notify|retention|list|recovery|handover ... (see scripts/keys.ts)');
    }
  } finally {
    await target.close();
  }
}

// An admin reads what went wrong, not a stack: the message, and what caused it.
await main().catch((e: unknown) => {
  const error = e as Error & { cause?: unknown };
  console.error(`${error.message ?? error}${error.cause instanceof Error ? `\n  (${error.cause.message})` : ''}`);
  process.exit(1);
});
