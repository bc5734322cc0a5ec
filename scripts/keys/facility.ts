/**
 * @module `keys facility`: creates or changes a plant, signs its reader list when it can, and says
 * what the plant still needs before workers are offered its form (a signed list with a reader).
 */
import { SECTORS } from '../../src/domain/facility';
import { SEND_TO } from '../../src/domain/report';
import { fail } from '../lib/cli';
import type { D1Target } from '../lib/d1-target';
import type { Context, KeysCommand } from './command';

const FIELDS = [
  ['name', 'name'],
  ['short', 'short_code'],
  ['email', 'email_local'],
  ['state', 'state'],
  ['municipality', 'municipality'],
  ['sector', 'sector'],
  ['mail-send-to', 'mail_send_to'],
] as const;

/** The flags given, checked, as column → value. */
function givenColumns(ctx: Context): Map<string, string> {
  const columns = new Map<string, string>();
  for (const [flag, column] of FIELDS) {
    const v = ctx.text(flag)?.trim();
    if (v === undefined) continue;
    if (v === '') fail(`--${flag} is empty`);
    columns.set(column, flag === 'short' || flag === 'email' ? v.toLowerCase() : v);
  }
  const sector = columns.get('sector');
  if (sector !== undefined && !(SECTORS as readonly string[]).includes(sector)) fail(`--sector must be one of ${SECTORS.join(', ')}`);
  const short = columns.get('short_code');
  if (short !== undefined && !/^[a-z0-9-]{1,32}$/.test(short)) fail('--short must be 1 to 32 letters, digits and dashes (it is the poster link /f/<short>)');
  const email = columns.get('email_local');
  if (email !== undefined && !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(email)) fail('--email is the part before @ (letters, digits, dots, dashes)');
  const mail = columns.get('mail_send_to');
  if (mail !== undefined && !(SEND_TO as readonly string[]).includes(mail)) fail(`--mail-send-to must be one of ${SEND_TO.join(', ')}`);
  return columns;
}

/** What the plant's signed list (as stored) lets a worker choose, or null when it has none. */
async function signedRoles(target: D1Target, id: string): Promise<{ monitor: boolean; official: boolean } | null> {
  const [row] = await target.query<{ statement: string }>('SELECT statement FROM reader_lists WHERE facility_id = ?1', [id]);
  if (!row) return null;
  const readers = (JSON.parse(row.statement) as { readers: Array<{ role: string; recipient: boolean }> }).readers.filter((r) => r.recipient);
  return { monitor: readers.some((r) => r.role === 'monitor'), official: readers.some((r) => r.role === 'official') };
}

/** Says, in the order to do it, what the plant still needs before a worker can send it a report. */
export async function nextSteps(ctx: Context, id: string, short: string, state: string): Promise<string[]> {
  const where = ctx.production ? ` ${ctx.text('env') ? `--remote --env ${ctx.text('env')}` : '--remote'}` : '';
  const admin = ctx.adminFile ? ` --admin ${ctx.adminFile}` : ' --admin FILE';
  const registerMonitor = [
    `  1. the monitor runs, on their own machine: npm run keys -- keygen --role monitor --label "NAME" --out NAME.card.json`,
    `     and sends you only the card (public keys; the passphrase stays with them)`,
    `  2. you run: npm run keys -- register --card NAME.card.json --facility ${id}${admin}${where}`,
  ];
  const roles = await signedRoles(ctx.target, id);
  if (!roles) {
    return [
      `${id} is saved, but its reader list is not signed: workers are not offered its form (/f/${short}) until it is.`,
      'Next:',
      ...registerMonitor,
      `  (an official of ${state}: the same with --role official, then register --card CARD --state "${state}")`,
      `  then, if nothing else needs signing: npm run keys -- sign${admin}${where}`,
    ];
  }
  if (roles.monitor && roles.official) return [`${id} takes reports: its form is /f/${short}, for its monitor, the labor authority, or both.`];
  if (roles.official) {
    return [
      `${id} takes reports for the labor authority only (its form /f/${short} offers no "only the monitor" choice): it has no monitor yet. To add one:`,
      ...registerMonitor,
    ];
  }
  if (roles.monitor) {
    return [
      `${id} takes reports for its monitor only (its form /f/${short} offers no authority choice): no official covers ${state}. To add one:`,
      `  the official runs keygen --role official on their own machine; you run: npm run keys -- register --card CARD --state "${state}"${admin}${where}`,
    ];
  }
  return [`${id} has no reader yet: workers are not offered its form (/f/${short}) until it has one. Next:`, ...registerMonitor];
}

export const facility: KeysCommand = {
  summary: 'Creates or changes a plant, signs its reader list when it can, and says what it still needs before workers see its form.',
  usage:
    'facility --id ID [--name NAME --short CODE --email LOCAL --state STATE --municipality M --sector SECTOR] [--mail-send-to monitor|authority|both] [--admin FILE] [--remote]',
  help: `  --id ID             the plant's id (lowercase letters, digits, dashes)
  --name NAME         its name, as workers see it
  --short CODE        its poster link: /f/CODE
  --email LOCAL       its mail address: LOCAL@EMAIL_DOMAIN
  --state STATE       its state (the officials of that state read what workers send them)
  --municipality M    its municipality
  --sector SECTOR     one of ${SECTORS.join(', ')}
  --mail-send-to WHO  who reads its mail: monitor, authority or both (default both)
A new plant needs every field but --mail-send-to; an existing one changes only the fields given.
Without --admin under --remote it saves the plant and says what to sign; locally it signs with the demo administrator.`,
  options: {
    id: { type: 'string' },
    name: { type: 'string' },
    short: { type: 'string' },
    email: { type: 'string' },
    state: { type: 'string' },
    municipality: { type: 'string' },
    sector: { type: 'string' },
    'mail-send-to': { type: 'string' },
  },
  needs: 'signing',
  signsWhenItCan: true,
  async run(ctx) {
    const id = ctx.need('id');
    if (!/^[a-z0-9-]{1,64}$/.test(id)) fail('--id must be lowercase letters, digits and dashes');
    const columns = givenColumns(ctx);
    const [existing] = await ctx.target.query<{ mail: string }>('SELECT mail_send_to AS mail FROM facilities WHERE id = ?1', [id]);
    if (!existing) {
      const missing = FIELDS.filter(([flag, column]) => flag !== 'mail-send-to' && !columns.has(column)).map(([flag]) => `--${flag}`);
      if (missing.length) fail(`a new plant needs ${missing.join(', ')}`);
    } else if (!columns.size) fail(`${id} exists: give the fields to change (see --help)`);
    const short = columns.get('short_code') ?? null;
    const email = columns.get('email_local') ?? null;
    const [taken] = await ctx.target.query<{ id: string; short: string; email: string | null }>(
      'SELECT id, short_code AS short, email_local AS email FROM facilities WHERE id <> ?1 AND (short_code = ?2 OR email_local = ?3)',
      [id, short, email],
    );
    if (taken) fail(taken.short === short ? `--short ${short} is already plant ${taken.id}'s link` : `--email ${email} is already plant ${taken.id}'s address`);
    const names = [...columns.keys()];
    await ctx.target.run([
      existing
        ? { sql: `UPDATE facilities SET ${names.map((c, i) => `${c} = ?${i + 2}`).join(', ')} WHERE id = ?1`, params: [id, ...columns.values()] }
        : {
            sql: `INSERT INTO facilities (id, ${names.join(', ')}) VALUES (?1, ${names.map((_, i) => `?${i + 2}`).join(', ')})`,
            params: [id, ...columns.values()],
          },
    ]);
    console.log(`facility ${id} ${existing ? 'changed' : 'saved'}${columns.has('mail_send_to') ? `; its mail goes to: ${columns.get('mail_send_to')}` : ''}`);
    // Mail this command sends to more readers is what the administrator just asked for.
    if (ctx.adminFile) await ctx.resign(columns.has('mail_send_to') ? [`mail:${id}`] : []);
    else if (existing)
      console.log(`not signed yet (no --admin): until you run npm run keys -- sign --admin FILE --remote, the plant's signed list is the old one`);
    const [row] = await ctx.target.query<{ short: string; state: string }>('SELECT short_code AS short, state FROM facilities WHERE id = ?1', [id]);
    for (const line of await nextSteps(ctx, id, row!.short, row!.state)) console.log(line);
  },
};
