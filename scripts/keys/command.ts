/**
 * @module What every `npm run keys` command shares: its shape (one file each under scripts/keys/),
 * where it writes (--remote, --env, --persist-to) and how it re-signs the reader lists (--admin, --yes).
 */
import { configuredAdminKey, DEMO_ADMIN_FILE, loadAdminKey } from '../lib/admin-key';
import { fail, need, text, type Options, type Values } from '../lib/cli';
import { openTarget, type D1Target, type Statement } from '../lib/d1-target';
import { loadNodeSodium } from '../lib/node-sodium';
import { assertConfiguredAdmin, resignReaderLists } from '../lib/reader-lists';

export interface KeysCommand {
  /** One line in `npm run keys -- --help`. */
  summary: string;
  /** The command line, after `npm run keys --`. */
  usage: string;
  /** What its flags mean, one per line, for `npm run keys -- <command> --help`. */
  help: string;
  options: Options;
  /** `database`: reads or writes D1; `signing`: also re-signs the reader lists afterwards. */
  needs: 'nothing' | 'database' | 'signing';
  /** A `signing` command that still does its part without the administrator key, and says what to sign next. */
  signsWhenItCan?: boolean;
  run(ctx: Context): Promise<void>;
}

export interface Context {
  values: Values;
  need(name: string): string;
  text(name: string): string | undefined;
  flag(name: string): boolean;
  /** Open only for `database` and `signing` commands. */
  target: D1Target;
  /** Writing the production D1 (--remote or --env): no demo file is ever used there. */
  production: boolean;
  /** The administrator file this command signs with, or null when none was given for production. */
  adminFile: string | null;
  /** Re-signs the lists; `allow`: what this command itself added or changed (key ids, or mail:<facility>). */
  resign(allow?: string[], undo?: Statement[]): Promise<Map<string, string[]>>;
}

export const TARGET_OPTIONS: Options = {
  remote: { type: 'boolean' },
  env: { type: 'string' },
  'persist-to': { type: 'string' },
};
export const SIGNING_OPTIONS: Options = {
  admin: { type: 'string' },
  yes: { type: 'boolean' },
};

export const TARGET_HELP = `  --remote            the production D1, through wrangler (needs CLOUDFLARE_API_TOKEN or npx wrangler login)
  --env NAME          with --remote: the wrangler environment whose D1 it is (wrangler --env)
  --persist-to DIR    locally: a wrangler state other than .wrangler/state (it must exist)`;
export const SIGNING_HELP = `  --admin FILE        the administrator file admin-init wrote (its passphrase may come from
                      BUZON_ADMIN_PASSPHRASE instead); required with --remote, locally it defaults
                      to the demo administrator ${DEMO_ADMIN_FILE}
  --yes               also sign what D1 holds that no signed list approved (after checking it)`;

/** The options a command accepts, with the shared ones its kind needs. */
export function optionsOf(command: KeysCommand): Options {
  return {
    ...command.options,
    ...(command.needs === 'nothing' ? {} : TARGET_OPTIONS),
    ...(command.needs === 'signing' ? SIGNING_OPTIONS : {}),
  };
}

export function helpOf(name: string, command: KeysCommand): string {
  const shared = [command.needs === 'nothing' ? '' : TARGET_HELP, command.needs === 'signing' ? SIGNING_HELP : ''].filter(Boolean).join('\n');
  return [`${command.summary}\n\n  npm run keys -- ${command.usage}\n`, command.help, shared, '  --help              this text'].filter(Boolean).join('\n');
}

/** Which administrator file signs: --admin, or locally the demo one; never the demo one for production. */
function adminFileFor(values: Values, production: boolean): string | null {
  const given = text(values, 'admin');
  if (given) return given;
  if (production) return null;
  return DEMO_ADMIN_FILE;
}

export const NEEDS_ADMIN =
  'signing the production reader lists needs the administrator key: give --admin FILE (the file admin-init wrote; its passphrase may come from BUZON_ADMIN_PASSPHRASE). The demo administrator is never used with --remote';

export async function contextFor(command: KeysCommand, values: Values): Promise<Context> {
  const remote = values.remote === true;
  const env = text(values, 'env');
  if (env !== undefined && !remote) fail('--env names the wrangler environment of --remote: give both, or neither');
  if (remote && text(values, 'persist-to') !== undefined) fail('--persist-to is local state: give --remote or --persist-to, not both');
  const production = remote || env !== undefined;
  const adminFile = command.needs === 'signing' ? adminFileFor(values, production) : null;
  // Checked before anything is written: a command that must sign does not change D1 and then stop.
  if (command.needs === 'signing' && !adminFile && !command.signsWhenItCan) fail(NEEDS_ADMIN);
  // A deployment's lists are checked against its own key, never unchecked: signed with another (the demo's), browsers refuse them all.
  if (command.needs === 'signing' && production && adminFile && !configuredAdminKey({ production, environment: env }))
    fail('no ADMIN_SIGN_PK for this deployment: put the key admin-init printed in [env.production.vars] of wrangler.toml, and give --env production (or CLOUDFLARE_ENV=production)');
  const target: D1Target = command.needs === 'nothing' ? unopened : await openTarget({ remote, env, persistTo: text(values, 'persist-to') });
  const ctx: Context = {
    values,
    need: (name) => need(values, name),
    text: (name) => text(values, name),
    flag: (name) => values[name] === true,
    target,
    production,
    adminFile,
    async resign(allow = [], undo = []) {
      if (!adminFile) fail(NEEDS_ADMIN);
      const s = await loadNodeSodium();
      const admin = loadAdminKey(s, adminFile);
      try {
        assertConfiguredAdmin(s, admin, configuredAdminKey({ production, environment: env }));
        const { changes, unapproved } = await resignReaderLists(s, target, admin, { allow, yes: values.yes === true });
        if (unapproved.length) {
          if (undo.length) await target.run(undo);
          throw new Error(
            `refused to sign the reader lists: D1 holds what no signed list approved (written straight into the database?):\n  ${unapproved.join('\n  ')}\nUndo it, or if it is meant: check it, then run npm run keys -- sign --yes`,
          );
        }
        for (const [facility, said] of changes) console.log(`reader list of ${facility} signed${said.length ? `:\n  ${said.join('\n  ')}` : ''}`);
        return changes;
      } finally {
        s.memzero(admin.privateKey);
      }
    },
  };
  return ctx;
}

const unopened: D1Target = {
  run: () => Promise.reject(new Error('this command has no database')),
  query: () => Promise.reject(new Error('this command has no database')),
  close: async () => {},
};
