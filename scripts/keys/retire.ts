/**
 * @module `keys retire`: a reader offboarded; their key stays listed as a signer, never sealed to again.
 */
import { fail } from '../lib/cli';
import type { KeysCommand } from './command';
import { registered } from './register';

export const retire: KeysCommand = {
  summary: 'Retires a reader: no more sign-in, sessions end, nothing new sealed to it; re-signs the lists.',
  usage: 'retire --key KEY_ID [--admin FILE] [--remote]',
  help: "  --key KEY_ID        the reader's sign-in name (npm run keys -- list)",
  options: { key: { type: 'string' } },
  needs: 'signing',
  async run(ctx) {
    const key = ctx.need('key');
    if (!(await registered(ctx.target, key))) fail(`no registered key ${key}`);
    await ctx.target.run([{ sql: "UPDATE recipients SET status = 'retired' WHERE key_id = ?1", params: [key] }]);
    await ctx.resign();
    console.log(
      `retired ${key}: it can no longer sign in, its open sessions end at their next request, and new reports are no longer sealed to it; what was sealed to it still opens offline with npm run decrypt`,
    );
  },
};
