/**
 * @module `keys register`: a reader's card into D1, checked (scripts/lib/provision.ts), then signed.
 */
import { readFileSync } from 'node:fs';
import { fail } from '../lib/cli';
import type { D1Target, Statement } from '../lib/d1-target';
import { loadNodeSodium } from '../lib/node-sodium';
import { planRegistration, type Card, type RegisteredKey } from '../lib/provision';
import type { Context, KeysCommand } from './command';

/** What D1 already holds for a key id, or null. */
export async function registered(target: D1Target, keyId: string): Promise<RegisteredKey | null> {
  const [row] = await target.query<Omit<RegisteredKey, 'facilities'> & { facilities: string | null }>(
    `SELECT role, label, status, box_pk AS boxPk, sign_pk AS signPk, scope_state AS scopeState,
            (SELECT group_concat(facility_id) FROM recipient_facilities WHERE key_id = ?1) AS facilities
       FROM recipients WHERE key_id = ?1`,
    [keyId],
  );
  return row ? { ...row, facilities: row.facilities ? row.facilities.split(',') : [] } : null;
}

function readCard(file: string): Card {
  let card: Card;
  try {
    card = JSON.parse(readFileSync(file, 'utf8')) as Card;
  } catch (error) {
    fail(
      `cannot read the card ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not a card (JSON) from npm run keys -- keygen'}`,
    );
  }
  if (card?.role !== 'monitor' && card?.role !== 'official') fail("the card's role must be monitor or official");
  if (typeof card.keyId !== 'string' || typeof card.label !== 'string' || typeof card.kdf !== 'object' || !card.kdf)
    fail(`${file} is not a card from npm run keys -- keygen`);
  return card;
}

/** What the command line asks for: a monitor's facilities, or an official's state (null: national). */
function wantedScope(ctx: Context, card: Card) {
  const facilities = [...new Set(ctx.text('facility')?.split(',').filter(Boolean) ?? [])];
  const state = ctx.text('state') ?? null;
  if (card.role === 'monitor' && facilities.length === 0) fail('a monitor needs --facility ID[,ID]');
  if (card.role === 'monitor' && (state || ctx.flag('national'))) fail('a monitor reads plants, not a state: give --facility ID[,ID] only');
  if (card.role === 'official' && facilities.length) fail('an official reads a state: give --state STATE or --national, not --facility');
  if (card.role === 'official' && !state && !ctx.flag('national')) fail('an official needs --state STATE or --national');
  if (card.role === 'official' && state && ctx.flag('national')) fail('give --state STATE or --national, not both');
  return { scopeState: card.role === 'official' ? state : null, facilities: card.role === 'monitor' ? facilities : [] };
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

export const register: KeysCommand = {
  summary: "Registers a reader's card (checked: its key id, never a retired key, no wider scope without --force) and re-signs the lists.",
  usage: 'register --card CARD (--facility ID[,ID] | --state STATE | --national) [--force] [--admin FILE] [--remote]',
  help: `  --card CARD         the public card the reader made with keygen
  --facility ID[,ID]  a monitor's plants: the whole list, not an addition
  --state STATE       an official's state
  --national          an official of every state
  --force             change a monitor's plants or widen an official's scope (it says what first)`,
  options: { card: { type: 'string' }, facility: { type: 'string' }, state: { type: 'string' }, national: { type: 'boolean' }, force: { type: 'boolean' } },
  needs: 'signing',
  async run(ctx) {
    const card = readCard(ctx.need('card'));
    const wanted = wantedScope(ctx, card);
    const known = new Set((await ctx.target.query<{ id: string }>('SELECT id FROM facilities')).map((f) => f.id));
    const unknown = wanted.facilities.filter((f) => !known.has(f));
    if (unknown.length) fail(`no facility ${unknown.join(', ')}: create it first with npm run keys -- facility --id ${unknown[0]} …`);
    const plan = planRegistration(await loadNodeSodium(), card, wanted, await registered(ctx.target, card.keyId));
    if (!plan.ok) fail(`refused: ${plan.reason}`);
    if (plan.needsForce && !ctx.flag('force')) {
      fail(`refused: this would change ${card.role} ${card.label} (${card.keyId}):\n  ${plan.changes.join('\n  ')}\nRun again with --force if that is meant.`);
    }
    await ctx.target.run(registerStatements(card, wanted));
    for (const change of plan.changes) console.log(`  ${change}`);
    console.log(`registered ${card.role} ${card.label} (${card.keyId})`);
    await ctx.resign([card.keyId]);
  },
};
