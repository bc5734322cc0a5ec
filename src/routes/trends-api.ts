/**
 * @module The officials' trends API, under /console/api/trends, with the console's session:
 * filter choices, the dashboard (every count adjusted by its cell key) and its CSV. Officials only, within
 * their jurisdiction. Monitors are refused: the counts include reports a worker sent only to the
 * authority, which a monitor could otherwise work out by comparing with their own case list.
 */
import { zValidator } from '@hono/zod-validator';
import { invalid } from '../lib/validate';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { addDays } from '../domain/case';
import { translator } from '../i18n';
import { mexicoDay } from '../lib/clock';
import type { Language } from '../domain/report';
import { apiError } from '../lib/http';
import type { ErrorCode } from '../contract/errors';
import { recordAudit } from '../storage/audit';
import { facilitiesInScope, facilityState } from '../storage/facilities';
import { officialScope } from '../storage/readers';
import { toCsv } from '../trends/csv';
import { buildDashboard } from '../trends/dashboard';
import { SECTORS } from '../domain/facility';
import type { Selection } from '../trends/queries';
import { trendsSnapshot } from '../trends/snapshot';
import { isoWeekLabel, MAX_WEEKS, mondayOf, mondayOfIsoWeek, weeksBetween } from '../trends/weeks';
import { querySchema, type TrendsQuery } from '../contract/trends';
import type { TrendsOptions, TrendsView } from '../contract/console-responses';
import { requireReader, type ConsoleEnv } from './reader-session';

type TrendsEnv = ConsoleEnv & { Variables: { scopeState: string | null } };

export const trendsApi = new Hono<TrendsEnv>();

/** The widest range one view may cover, and the default one. */
export { MAX_WEEKS };
export const DEFAULT_WEEKS = 13;


const lang = (c: Context<TrendsEnv>): Language => (c.get('language') === 'en' ? 'en' : 'es');

async function audit(c: Context<TrendsEnv>, action: string, outcome: 'ok' | 'denied', detail: string | null = null) {
  const reader = c.get('reader');
  await recordAudit(c.env, [{ day: mexicoDay(), actor: reader.keyId, role: reader.role, action, reportId: null, outcome, detail }]);
}

async function refuse(c: Context<TrendsEnv>, status: 403 | 404, code: ErrorCode) {
  await audit(c, 'trends', 'denied', code);
  return apiError(c, status, code);
}

/** Officials only; their jurisdiction is read fresh from their key, not from the session. */
const requireOfficial: MiddlewareHandler<TrendsEnv> = async (c, next) => {
  const row = await officialScope(c.env.DB, c.get('reader').keyId);
  if (c.get('reader').role !== 'official' || !row) return refuse(c, 403, 'forbidden');
  c.set('scopeState', row.scopeState);
  await next();
};

trendsApi.use('*', requireReader, requireOfficial);

/** The filters' choices: the facilities, states and sectors within the official's jurisdiction. */
trendsApi.get('/options', async (c) => {
  const scopeState = c.get('scopeState');
  const results = await facilitiesInScope(c.env.DB, scopeState);
  const t = translator(lang(c));
  const to = mondayOf(mexicoDay());
  return c.json({
    scopeState,
    facilities: results,
    states: [...new Set(results.map((f) => f.state).filter((s): s is string => !!s))].sort(),
    sectors: SECTORS.map((id) => ({ id, label: t(`trends.sectors.${id}`) })),
    from: isoWeekLabel(addDays(to, -7 * (DEFAULT_WEEKS - 1))),
    to: isoWeekLabel(to),
  } satisfies TrendsOptions);
});

/** The selection and range a query asks for, or why it may not have them. */
async function resolve(c: Context<TrendsEnv>, q: TrendsQuery): Promise<{ sel: Selection; range: { from: string; to: string } } | { status: 400 | 403 | 404; code: ErrorCode }> {
  const scopeState = c.get('scopeState');
  const current = mondayOf(mexicoDay());
  const to = q.to ? mondayOfIsoWeek(q.to) : current;
  const from = q.from ? mondayOfIsoWeek(q.from) : to && addDays(to, -7 * (DEFAULT_WEEKS - 1));
  if (!from || !to) return { status: 400, code: 'invalid' };
  if (from > to || to > current || weeksBetween(from, to) >= MAX_WEEKS) return { status: 400, code: 'bad_range' };
  if (q.state && scopeState !== null && q.state !== scopeState) return { status: 403, code: 'forbidden' };
  if (q.facility) {
    const f = await facilityState(c.env.DB, q.facility);
    if (!f) return { status: 404, code: 'not_found' };
    if (scopeState !== null && f.state !== scopeState) return { status: 403, code: 'forbidden' };
  }
  return { sel: { scopeState, state: q.state, sector: q.sector, facility: q.facility }, range: { from, to } };
}

async function dashboard(c: Context<TrendsEnv>, q: TrendsQuery) {
  const resolved = await resolve(c, q);
  if ('code' in resolved) return resolved;
  const t = translator(lang(c));
  // The day's snapshot (computed by the cron job, or now by the day's first request): no request scans reports.
  const snapshot = await trendsSnapshot(c.env, mexicoDay());
  return { view: buildDashboard(snapshot, resolved.sel, resolved.range, t, lang(c)), t };
}

trendsApi.get('/', zValidator('query', querySchema, invalid), async (c) => {
  const result = await dashboard(c, c.req.valid('query'));
  if ('code' in result) return result.status === 400 ? apiError(c, 400, result.code) : refuse(c, result.status, result.code);
  return c.json(result.view satisfies TrendsView);
});

/** The same tables as CSV; each export is written to the audit log (what was exported, never who it concerns). */
trendsApi.get('/export.csv', zValidator('query', querySchema, invalid), async (c) => {
  const q = c.req.valid('query');
  const result = await dashboard(c, q);
  if ('code' in result) return result.status === 400 ? apiError(c, 400, result.code) : refuse(c, result.status, result.code);
  const { view, t } = result;
  const filters = [
    q.state && `${t('trends.filter_state')}: ${q.state}`,
    q.sector && `${t('trends.filter_sector')}: ${t(`trends.sectors.${q.sector}`)}`,
    q.facility && `${t('trends.filter_facility')}: ${q.facility}`,
  ].filter(Boolean);
  // The last day counted, by date, since the file outlives the day it was taken.
  const heading = [t('trends.csv_heading', { from: view.fromLabel, to: view.toLabel }), t('trends.up_to', { day: view.lastDay }), ...(filters.length ? [filters.join('; ')] : []), ...view.notes];
  await audit(c, 'trends_export', 'ok', `${view.from}..${view.to}`);
  return c.body(toCsv(heading, view.tables), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="buzon-tendencias-${view.from}-${view.to}.csv"`,
  });
});
