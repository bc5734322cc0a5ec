/**
 * @module The admin CLI's access commands (scripts/keys.ts): `recovery`, a plant's recovery key on a
 * card, and `handover`, a key's cases given offline to another key. See README "When a key changes".
 */
import { readFileSync } from 'node:fs';
import { deriveRecipientKeys, deriveRecoveryKey, fromB64, newRecoveryCode, toB64 } from '../../src/crypto';
import { mexicoDay } from '../../src/lib/clock';
import { configuredAdminKey } from './admin-key';
import type { D1Target, Statement } from './d1-target';
import { handover, type HandoverFrom } from './handover';
import { option } from './local-platform';
import { loadNodeSodium } from './node-sodium';
import { loadRecoveryKey, recoveryCardText, writeRecoveryCard } from './recovery-card';

export interface Cli {
  need(name: string): string;
  flag(name: string): boolean;
  fail(message: string): never;
  resign(target: D1Target, allow?: string[], undo?: Statement[]): Promise<void>;
}

/** A plant's recovery key: made here, its card printed once, only the public half written and signed. */
export async function recoveryCommand(target: D1Target, cli: Cli) {
  const id = cli.need('facility');
  const [f] = await target.query<{ id: string; name: string; keyId: string | null; boxPk: string | null }>(
    'SELECT id, name, recovery_key_id AS keyId, recovery_box_pk AS boxPk FROM facilities WHERE id = ?1',
    [id],
  );
  if (!f) cli.fail(`no facility ${id}`);
  const undo: Statement[] = [{ sql: 'UPDATE facilities SET recovery_key_id = ?2, recovery_box_pk = ?3 WHERE id = ?1', params: [id, f.keyId, f.boxPk] }];
  if (cli.flag('clear')) {
    await target.run([{ sql: 'UPDATE facilities SET recovery_key_id = NULL, recovery_box_pk = NULL WHERE id = ?1', params: [id] }]);
    await cli.resign(target);
    console.log(`${id} has no recovery key now: new reports are not sealed to one; what was sealed to ${f.keyId ?? 'none'} still opens with its card`);
    return;
  }
  if (f.keyId && !cli.flag('force')) {
    cli.fail(`${id} already has recovery key ${f.keyId}. A new one covers new reports only (older ones stay sealed to ${f.keyId}: keep its card). Run again with --force if that is meant.`);
  }
  const s = await loadNodeSodium();
  const code = newRecoveryCode(s);
  const key = deriveRecoveryKey(s, code);
  const card = recoveryCardText(f, key.keyId, code, mexicoDay());
  s.memzero(key.box.privateKey);
  const out = option('out');
  // The card exists before the key is used: no report is ever sealed to a key nobody holds.
  if (out) writeRecoveryCard(out, card);
  console.error(`${card}
(shown once${out ? `, and written to ${out}` : ''}: print it, then delete any copy on this machine)`);
  await target.run([{ sql: 'UPDATE facilities SET recovery_key_id = ?2, recovery_box_pk = ?3 WHERE id = ?1', params: [id, key.keyId, toB64(s, key.box.publicKey)] }]);
  await cli.resign(target, [key.keyId], undo);
  console.log(`recovery key ${key.keyId} for ${id}: new reports for its monitors are sealed to it too`);
}

/** Hands every case one key opens to another, offline (scripts/lib/handover.ts). */
export async function handoverCommand(target: D1Target, cli: Cli) {
  const s = await loadNodeSodium();
  const fromId = cli.need('from');
  const toId = cli.need('to');
  const admin = configuredAdminKey();
  if (!admin) cli.fail('no ADMIN_SIGN_PK configured (wrangler.toml or .dev.vars): the new key is checked against the signed reader lists');
  let from: HandoverFrom;
  if (option('recovery-file') || process.env.BUZON_RECOVERY_CODE) {
    const key = loadRecoveryKey(s, option('recovery-file'));
    if (key.keyId !== fromId) cli.fail(`this recovery card is key ${key.keyId}, not ${fromId}`);
    from = { keyId: key.keyId, role: 'recovery', box: key.box };
  } else {
    const file = option('passphrase-file');
    const passphrase = (file ? readFileSync(file, 'utf8').split('\n')[0] : process.env.BUZON_PASSPHRASE)?.trim();
    if (!passphrase) cli.fail(`give the passphrase of ${fromId}: --passphrase-file FILE or BUZON_PASSPHRASE (or --recovery-file CARD for a recovery key)`);
    const [row] = await target.query<{ role: string; salt: string; ops: number; mem: number }>(
      'SELECT role, kdf_salt AS salt, kdf_ops AS ops, kdf_mem AS mem FROM recipients WHERE key_id = ?1',
      [fromId],
    );
    if (!row) cli.fail(`no registered key ${fromId}`);
    const keys = deriveRecipientKeys(s, passphrase!, { salt: fromB64(s, row.salt), opsLimit: row.ops, memLimit: row.mem });
    if (keys.keyId !== fromId) cli.fail(`that passphrase is not the passphrase of ${fromId}`);
    from = { keyId: keys.keyId, role: row.role, box: keys.box };
  }
  try {
    const done = await handover(s, target, from, toId, fromB64(s, admin!));
    console.log(`handed over ${done.cases} cases (${done.keys} keys) from ${fromId} to ${toId}`);
    if (done.alongside) console.log(`${done.alongside} of those keys went beside a key ${toId} already had (shared before, perhaps garbage): fewer keys were added than given; their console tries each`);
    if (done.outOfScope.length) console.log(`left out ${done.outOfScope.length} cases ${toId} may not read (another plant, or the worker did not choose its role)`);
    if (done.unlisted.length) console.log(`left out the cases of ${done.unlisted.join(', ')}: their signed reader list does not name ${toId} (npm run keys -- sign)`);
  } catch (error) {
    cli.fail((error as Error).message);
  } finally {
    s.memzero(from.box.privateKey);
  }
}
