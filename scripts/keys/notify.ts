/**
 * @module `keys notify`: where a reader's daily digest goes (src/notify/digest.ts), or none.
 */
import { fail } from '../lib/cli';
import type { KeysCommand } from './command';
import { registered } from './register';

export const notify: KeysCommand = {
  summary: "Sets where a reader's daily digest goes (--clear: no digest).",
  usage: 'notify --key KEY_ID (--email ADDRESS | --clear) [--remote]',
  help: `  --key KEY_ID        the reader's sign-in name
  --email ADDRESS     a plain address, verified in Email Routing (docs/email.md)
  --clear             no digest`,
  options: { key: { type: 'string' }, email: { type: 'string' }, clear: { type: 'boolean' } },
  needs: 'database',
  async run(ctx) {
    const key = ctx.need('key');
    if (ctx.flag('clear') && ctx.text('email') !== undefined) fail('give --email ADDRESS or --clear, not both');
    const address = ctx.flag('clear') ? null : ctx.need('email').trim().toLowerCase();
    if (address !== null && !/^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/.test(address))
      fail('--email must be a plain address, like ana@example.org');
    if (!(await registered(ctx.target, key))) fail(`no registered key ${key}`);
    await ctx.target.run([{ sql: 'UPDATE recipients SET notify_email = ?2, last_digest_day = NULL WHERE key_id = ?1', params: [key, address] }]);
    console.log(address ? `the daily digest for ${key} goes to ${address}` : `no daily digest for ${key}`);
  },
};
