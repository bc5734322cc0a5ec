/**
 * @module `keys retention`: a plant's own retention (docs/privacy.md), or back to the deployment's.
 */
import { fail } from '../lib/cli';
import type { KeysCommand } from './command';

export const retention: KeysCommand = {
  summary: "Sets how long a plant's closed and idle cases are kept (--default: the deployment's).",
  usage: 'retention --facility ID (--closed-days N | --idle-days N | --default) [--remote]',
  help: `  --facility ID       the plant
  --closed-days N     days a closed case is kept
  --idle-days N       days a case with no activity is kept
  --default           back to RETENTION_CLOSED_DAYS and RETENTION_IDLE_DAYS`,
  options: { facility: { type: 'string' }, 'closed-days': { type: 'string' }, 'idle-days': { type: 'string' }, default: { type: 'boolean' } },
  needs: 'database',
  async run(ctx) {
    const id = ctx.need('facility');
    const days = (name: string) => {
      const v = ctx.text(name);
      if (v === undefined) return undefined;
      if (!/^[1-9]\d{0,4}$/.test(v)) fail(`--${name} must be a whole number of days`);
      return Number(v);
    };
    if (ctx.flag('default') && (ctx.text('closed-days') !== undefined || ctx.text('idle-days') !== undefined)) fail('give --default or days, not both');
    const closed = ctx.flag('default') ? null : days('closed-days');
    const idle = ctx.flag('default') ? null : days('idle-days');
    if (closed === undefined && idle === undefined) fail('give --closed-days N, --idle-days N or --default');
    const [row] = await ctx.target.query<{ id: string }>('SELECT id FROM facilities WHERE id = ?1', [id]);
    if (!row) fail(`no facility ${id}`);
    await ctx.target.run([
      {
        sql: 'UPDATE facilities SET retention_closed_days = CASE WHEN ?2 = -1 THEN retention_closed_days ELSE ?3 END, retention_idle_days = CASE WHEN ?4 = -1 THEN retention_idle_days ELSE ?5 END WHERE id = ?1',
        params: [id, closed === undefined ? -1 : 0, closed ?? null, idle === undefined ? -1 : 0, idle ?? null],
      },
    ]);
    console.log(
      `retention of ${id}: closed cases kept ${closed === null ? 'the default' : (closed ?? 'unchanged')} days, idle cases ${idle === null ? 'the default' : (idle ?? 'unchanged')} days`,
    );
  },
};
