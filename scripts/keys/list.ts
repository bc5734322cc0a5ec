/**
 * @module `keys list`: every reader, with role, status and plants.
 */
import type { KeysCommand } from './command';

export const list: KeysCommand = {
  summary: 'Lists every reader: sign-in name, role, label, status, state and plants.',
  usage: 'list [--remote]',
  help: '',
  options: {},
  needs: 'database',
  async run(ctx) {
    const rows = await ctx.target.query<Record<string, unknown>>(
      `SELECT r.key_id, r.role, r.label, r.status, r.scope_state, group_concat(rf.facility_id) AS facilities
         FROM recipients r LEFT JOIN recipient_facilities rf ON rf.key_id = r.key_id GROUP BY r.key_id ORDER BY r.role, r.label`,
    );
    console.table(rows);
  },
};
