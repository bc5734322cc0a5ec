/**
 * @module `keys list`: every reader, with role, status and plants.
 */
import type { KeysCommand } from './command';

interface ReaderRow {
  key_id: string;
  role: string;
  label: string;
  status: string;
  scope_state: string | null;
  facilities: string | null;
}

/**
 * The rows as an administrator reads them: an official with no state reads every state's cases
 * ("national"), a monitor's reach is their plants; no column shows a bare null.
 */
export const listedReaders = (rows: readonly ReaderRow[]) =>
  rows.map((r) => ({
    key_id: r.key_id,
    role: r.role,
    label: r.label,
    status: r.status,
    scope: r.role === 'official' ? (r.scope_state ?? 'national (every state)') : 'plants',
    facilities: r.facilities
      ? r.facilities.split(',').join(', ')
      : r.role === 'official'
        ? r.scope_state
          ? `every plant in ${r.scope_state}`
          : 'every plant'
        : '(none)',
  }));

export const list: KeysCommand = {
  summary: 'Lists every reader: sign-in name, role, label, status, scope (a state, or national) and plants.',
  usage: 'list [--remote]',
  help: '',
  options: {},
  needs: 'database',
  async run(ctx) {
    const rows = await ctx.target.query<ReaderRow>(
      `SELECT r.key_id, r.role, r.label, r.status, r.scope_state, group_concat(rf.facility_id) AS facilities
         FROM recipients r LEFT JOIN recipient_facilities rf ON rf.key_id = r.key_id GROUP BY r.key_id ORDER BY r.role, r.label`,
    );
    console.table(listedReaders(rows));
  },
};
