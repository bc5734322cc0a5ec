/**
 * @module `keys sign`: re-signs every plant's reader list as D1 holds it now.
 */
import type { KeysCommand } from './command';

export const sign: KeysCommand = {
  summary: "Re-signs every plant's reader list; refuses readers no signed list approved unless --yes.",
  usage: 'sign [--yes] [--admin FILE] [--remote]',
  help: '  (the first signing of a deployment, or after checking what it names: --yes)',
  options: {},
  needs: 'signing',
  async run(ctx) {
    const changes = await ctx.resign();
    if (!changes.size) console.log('every reader list was already signed as D1 holds it');
  },
};
