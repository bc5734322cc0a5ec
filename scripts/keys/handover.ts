/**
 * @module `keys handover`: every case one key opens, sealed offline to another (scripts/lib/handover.ts).
 */
import { readFileSync } from 'node:fs';
import { deriveRecipientKeys, fromB64, toB64 } from '../../src/crypto';
import { configuredAdminKey } from '../lib/admin-key';
import { fail } from '../lib/cli';
import { handover as handOver, type HandoverFrom } from '../lib/handover';
import { loadNodeSodium } from '../lib/node-sodium';
import { loadRecoveryKey } from '../lib/recovery-card';
import type { KeysCommand } from './command';

export const handover: KeysCommand = {
  summary: "Gives every case one key opens to another (a registered, signed reader of each case's scope), offline; audited.",
  usage: 'handover --from OLD_KEY --to NEW_KEY [--passphrase-file FILE | --recovery-file CARD] [--remote]',
  help: `  --from OLD_KEY          the key whose cases are given (its passphrase opens them on this machine)
  --to NEW_KEY            the key that receives them
  --passphrase-file FILE  OLD_KEY's passphrase (or BUZON_PASSPHRASE)
  --recovery-file CARD    for a plant's recovery key: its card (or BUZON_RECOVERY_CODE)`,
  options: { from: { type: 'string' }, to: { type: 'string' }, 'passphrase-file': { type: 'string' }, 'recovery-file': { type: 'string' } },
  needs: 'database',
  async run(ctx) {
    const s = await loadNodeSodium();
    const fromId = ctx.need('from');
    const toId = ctx.need('to');
    if (ctx.text('passphrase-file') !== undefined && ctx.text('recovery-file') !== undefined) fail('give --passphrase-file or --recovery-file, not both');
    const admin = configuredAdminKey({ production: ctx.production });
    if (!admin)
      fail(
        `no ADMIN_SIGN_PK configured (${ctx.production ? 'ADMIN_SIGN_PK in the environment, or wrangler.toml' : 'wrangler.toml or .dev.vars'}): the new key is checked against the signed reader lists`,
      );
    let from: HandoverFrom;
    if (ctx.text('recovery-file') || process.env.BUZON_RECOVERY_CODE) {
      const key = loadRecoveryKey(s, ctx.text('recovery-file'));
      if (key.keyId !== fromId) fail(`this recovery card is key ${key.keyId}, not ${fromId}`);
      const plants = await ctx.target.query<{ id: string; pk: string | null }>('SELECT id, recovery_box_pk AS pk FROM facilities WHERE recovery_key_id = ?1', [
        fromId,
      ]);
      if (!plants.length) fail(`no plant has recovery key ${fromId}`);
      if (plants.some((p) => p.pk !== toB64(s, key.box.publicKey)))
        fail(`the public key registered for recovery key ${fromId} is not the card's: the plant's row was changed; nothing was handed over`);
      from = { keyId: key.keyId, role: 'recovery', box: key.box };
    } else {
      const file = ctx.text('passphrase-file');
      const passphrase = (file ? readFileSync(file, 'utf8').split('\n')[0] : process.env.BUZON_PASSPHRASE)?.trim();
      if (!passphrase) fail(`give the passphrase of ${fromId}: --passphrase-file FILE or BUZON_PASSPHRASE (or --recovery-file CARD for a recovery key)`);
      const [row] = await ctx.target.query<{ role: string; salt: string; ops: number; mem: number; boxPk: string }>(
        'SELECT role, kdf_salt AS salt, kdf_ops AS ops, kdf_mem AS mem, box_pk AS boxPk FROM recipients WHERE key_id = ?1',
        [fromId],
      );
      if (!row) fail(`no registered key ${fromId}`);
      const keys = deriveRecipientKeys(s, passphrase, { salt: fromB64(s, row.salt), opsLimit: row.ops, memLimit: row.mem });
      if (keys.keyId !== fromId) fail(`that passphrase is not the passphrase of ${fromId}`);
      // The row's public key must be the one the passphrase gives: a row changed in D1 is not followed.
      if (row.boxPk !== toB64(s, keys.box.publicKey))
        fail(`the public key registered for ${fromId} is not the one its passphrase gives: the recipients row was changed; nothing was handed over`);
      from = { keyId: keys.keyId, role: row.role, box: keys.box };
    }
    try {
      const done = await handOver(s, ctx.target, from, toId, fromB64(s, admin));
      console.log(`handed over ${done.cases} cases (${done.keys} keys) from ${fromId} to ${toId}`);
      if (done.alongside)
        console.log(
          `${done.alongside} of those keys went beside a key ${toId} already had (shared before, perhaps garbage): fewer keys were added than given; their console tries each`,
        );
      if (done.outOfScope.length)
        console.log(`left out ${done.outOfScope.length} cases ${toId} may not read (another plant, or the worker did not choose its role)`);
      if (done.unopened)
        console.log(
          `left out ${done.unopened} keys that no copy ${fromId} holds opens (garbage a reader shared to it, or a body that could not be read): those messages stay closed to ${toId}`,
        );
      if (done.unlisted.length)
        console.log(`left out the cases of ${done.unlisted.join(', ')}: their signed reader list does not name ${toId} (npm run keys -- sign)`);
    } catch (error) {
      fail((error as Error).message);
    } finally {
      s.memzero(from.box.privateKey);
    }
  },
};
