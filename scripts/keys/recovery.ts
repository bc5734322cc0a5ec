/**
 * @module `keys recovery`: a plant's recovery key, made here, its card printed once, only the public
 * half written and signed (src/crypto/recovery.ts). See README "When a key changes".
 */
import { deriveRecoveryKey, newRecoveryCode, toB64 } from '../../src/crypto';
import { mexicoDay } from '../../src/lib/clock';
import { fail } from '../lib/cli';
import type { Statement } from '../lib/d1-target';
import { loadNodeSodium } from '../lib/node-sodium';
import { recoveryCardText, writeRecoveryCard } from '../lib/recovery-card';
import type { KeysCommand } from './command';

export const recovery: KeysCommand = {
  summary: "Makes a plant's recovery key and prints its card once (--clear removes it); re-signs the lists.",
  usage: 'recovery --facility ID [--out CARD] [--force | --clear] [--admin FILE] [--remote]',
  help: `  --facility ID       the plant
  --out CARD          also write the card there (mode 600), e.g. recovery-ID.txt: print it, then delete it
  --force             replace the plant's recovery key (the old card still opens older reports)
  --clear             the plant has no recovery key from now on`,
  options: { facility: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, clear: { type: 'boolean' } },
  needs: 'signing',
  async run(ctx) {
    const id = ctx.need('facility');
    if (ctx.flag('clear') && (ctx.flag('force') || ctx.text('out') !== undefined)) fail('--clear makes no card: give it alone');
    const [f] = await ctx.target.query<{ id: string; name: string; keyId: string | null; boxPk: string | null }>(
      'SELECT id, name, recovery_key_id AS keyId, recovery_box_pk AS boxPk FROM facilities WHERE id = ?1',
      [id],
    );
    if (!f) fail(`no facility ${id}`);
    const undo: Statement[] = [{ sql: 'UPDATE facilities SET recovery_key_id = ?2, recovery_box_pk = ?3 WHERE id = ?1', params: [id, f.keyId, f.boxPk] }];
    if (ctx.flag('clear')) {
      await ctx.target.run([{ sql: 'UPDATE facilities SET recovery_key_id = NULL, recovery_box_pk = NULL WHERE id = ?1', params: [id] }]);
      await ctx.resign();
      console.log(`${id} has no recovery key now: new reports are not sealed to one; what was sealed to ${f.keyId ?? 'none'} still opens with its card`);
      return;
    }
    if (f.keyId && !ctx.flag('force')) {
      fail(
        `${id} already has recovery key ${f.keyId}. A new one covers new reports only (older ones stay sealed to ${f.keyId}: keep its card). Run again with --force if that is meant.`,
      );
    }
    const s = await loadNodeSodium();
    const code = newRecoveryCode(s);
    const key = deriveRecoveryKey(s, code);
    const card = recoveryCardText(f, key.keyId, code, mexicoDay());
    s.memzero(key.box.privateKey);
    const out = ctx.text('out');
    // The card exists before the key is used: no report is ever sealed to a key nobody holds.
    if (out) writeRecoveryCard(out, card);
    console.error(`${card}
(shown once${out ? `, and written to ${out}` : ''}: print it, then delete any copy on this machine)`);
    await ctx.target.run([
      { sql: 'UPDATE facilities SET recovery_key_id = ?2, recovery_box_pk = ?3 WHERE id = ?1', params: [id, key.keyId, toB64(s, key.box.publicKey)] },
    ]);
    await ctx.resign([key.keyId], undo);
    console.log(`recovery key ${key.keyId} for ${id}: new reports for its monitors are sealed to it too`);
  },
};
