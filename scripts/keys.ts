/**
 * Admin CLI for plants and readers' keys: a table of commands, one file each under scripts/keys/.
 * Private keys and passphrases never leave the machine this runs on; only public keys and KDF
 * parameters are written to D1. `npm run keys -- --help` lists the commands, `npm run keys --
 * <command> --help` explains one. Every flag is checked: an unknown one stops the command (exit 2).
 */
import { fail, parseCommandLine, runMain } from './lib/cli';
import { adminInit } from './keys/admin-init';
import { contextFor, helpOf, optionsOf, type KeysCommand } from './keys/command';
import { facility } from './keys/facility';
import { handover } from './keys/handover';
import { keygen } from './keys/keygen';
import { list } from './keys/list';
import { notify } from './keys/notify';
import { recovery } from './keys/recovery';
import { register } from './keys/register';
import { retention } from './keys/retention';
import { retire } from './keys/retire';
import { sign } from './keys/sign';

export const COMMANDS: Record<string, KeysCommand> = {
  'admin-init': adminInit,
  keygen,
  facility,
  register,
  retire,
  sign,
  notify,
  retention,
  list,
  recovery,
  handover,
};

const TABLE = `Buzón's administration: plants and readers' keys. Passphrases and private keys stay on this machine.

  npm run keys -- <command> [flags]          npm run keys -- <command> --help   (its flags)

${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`)
  .join('\n')}

Locally they use .wrangler/state (or --persist-to DIR); --remote writes the production D1 through
wrangler and never uses the demo administrator: commands that sign need --admin FILE there.`;

await runMain('keys', async () => {
  const [name, ...args] = process.argv.slice(2);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(TABLE);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name)
    ? COMMANDS[name]!
    : fail(`unknown command ${name}: one of ${Object.keys(COMMANDS).join(', ')} (npm run keys -- --help)`);
  const { values } = parseCommandLine(args, optionsOf(command), helpOf(name, command));
  const ctx = await contextFor(command, values);
  try {
    await command.run(ctx);
  } finally {
    await ctx.target.close();
  }
});
