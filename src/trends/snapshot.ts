/**
 * @module The daily snapshots. Every figure an official or the public can see is fixed for the
 * day (the dashboard stops at yesterday, the public page at the last complete month), so what
 * every view needs is computed once a day, by the cron job or by the first request, and kept in KV
 * under a key naming the day. Requests read a snapshot and never scan reports.
 *
 * The dashboard's snapshot holds, for every facility and every week a view can show, each
 * column's count and key sum (src/trends/cellkey.ts) as flat arrays, and the days each case took
 * (for the medians) as histograms: its size grows with facilities × weeks, not with reports.
 */
import { STATUSES } from '../domain/case';
import { CATEGORIES, SEND_TO } from '../domain/report';
import { addKeys, subtractKeys } from './cellkey';
import { UNCLASSIFIED } from './counters';
import { CLOCK_CLASSES, loadPublicData, loadTrendRows, SPIKE_WEEKS, type AgeBucket, type FacilityInfo, type PublicData, type TrendRows } from './queries';
import { addMonths, MAX_WEEKS, mondayOf, mondaysBetween } from './weeks';
import { addDays } from '../domain/case';

/** Long enough to outlive its day in every timezone; the key names the day, so tomorrow starts afresh. */
const SNAPSHOT_TTL_SECONDS = 2 * 24 * 60 * 60;

export const publicSnapshotKey = (today: string) => `snapshot/public/${today}`;
export const trendsSnapshotKey = (today: string) => `snapshot/trends/${today}`;

/** Category codes as counted: the reporter's categories, and mail that has none yet. */
export const CATEGORY_CODES = [...CATEGORIES, UNCLASSIFIED] as const;

/** A view reaches back MAX_WEEKS, and its spike alerts SPIKE_WEEKS before that. */
export const SNAPSHOT_WEEKS = MAX_WEEKS + SPIKE_WEEKS;

/** The columns kept per facility and week: reports by recipients and by status, category mentions, and each clock's classes. */
export const COLUMNS = [
  ...SEND_TO.map((s) => `s:${s}`),
  ...STATUSES.map((s) => `st:${s}`),
  ...CATEGORY_CODES.map((c) => `c:${c}`),
  ...(['ack', 'answer', 'close'] as const).flatMap((clock) => CLOCK_CLASSES.map((x) => `${clock}:${x}`)),
] as const;
export const COLUMN = new Map<string, number>(COLUMNS.map((c, i) => [c, i]));

/** Histograms of days kept per facility and week: to acknowledge, and to close. */
export const HISTOGRAMS = ['ack', 'close'] as const;

export interface TrendsSnapshot {
  today: string;
  /** Mondays, oldest first; the last is this week's. */
  weeks: string[];
  facilities: FacilityInfo[];
  /** Count and key sum of facility f, week w, column c at [(f × weeks + w) × COLUMNS + c]. */
  n: Uint32Array;
  k: Uint32Array;
  /** Histogram h of facility f, week w is entries [offsets[i], offsets[i + 1]) with i = (f × weeks + w) × 2 + h. */
  histOffsets: Uint32Array;
  histDays: Uint32Array;
  histCounts: Uint32Array;
  neverOpened: Array<{ facility: number; bucket: AgeBucket; n: number; k: number }>;
}

/** The weeks a day's snapshot keeps. */
export const snapshotWeeks = (today: string) => mondaysBetween(addDays(mondayOf(today), -7 * (SNAPSHOT_WEEKS - 1)), mondayOf(today));

/** The snapshot from the day's rows (src/trends/queries.ts loadTrendRows). Pure, so tests build it from synthetic rows. */
export function assembleSnapshot(rows: TrendRows): TrendsSnapshot {
  const W = rows.weeks.length;
  const C = COLUMNS.length;
  const F = rows.facilities.length;
  const facility = new Map(rows.facilities.map((f, i) => [f.id, i]));
  const week = new Map(rows.weeks.map((w, i) => [w, i]));
  const n = new Uint32Array(F * W * C);
  const k = new Uint32Array(F * W * C);
  const at = (facilityId: string, w: string, column: string) => {
    const fi = facility.get(facilityId);
    const wi = week.get(w);
    const ci = COLUMN.get(column);
    return fi === undefined || wi === undefined || ci === undefined ? -1 : (fi * W + wi) * C + ci;
  };
  const add = (i: number, count: number, key: number, sign: 1 | -1) => {
    if (i < 0) return;
    n[i] = n[i]! + sign * count;
    k[i] = sign > 0 ? addKeys(k[i]!, key) : subtractKeys(k[i]!, key);
  };
  for (const [list, sign] of [[rows.reports, 1], [rows.reportsFromToday, -1]] as const) {
    for (const r of list) {
      add(at(r.facilityId, r.week, `s:${r.sendTo}`), r.n, r.k, sign);
      add(at(r.facilityId, r.week, `st:${r.status}`), r.n, r.k, sign);
    }
  }
  for (const [list, sign] of [[rows.categories, 1], [rows.categoriesFromToday, -1]] as const) {
    for (const r of list) add(at(r.facilityId, r.week, `c:${r.category}`), r.n, r.k, sign);
  }
  const histograms = new Map<number, Map<number, number>>();
  const observe = (i: number, list: string | null) => {
    if (!list) return;
    let h = histograms.get(i);
    if (!h) histograms.set(i, (h = new Map()));
    for (const v of list.split(',')) h.set(Number(v), (h.get(Number(v)) ?? 0) + 1);
  };
  for (const r of rows.clocks) {
    for (const clock of ['ack', 'answer', 'close'] as const) add(at(r.facilityId, r.week, `${clock}:${r[clock]}`), r.n, r.k, 1);
    const fi = facility.get(r.facilityId);
    const wi = week.get(r.week);
    if (fi === undefined || wi === undefined) continue;
    observe((fi * W + wi) * 2, r.ackDays);
    observe((fi * W + wi) * 2 + 1, r.closeDays);
  }
  const histOffsets = new Uint32Array(F * W * 2 + 1);
  const days: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < F * W * 2; i++) {
    histOffsets[i] = days.length;
    for (const [d, c] of histograms.get(i) ?? []) days.push(d), counts.push(c);
  }
  histOffsets[F * W * 2] = days.length;
  return {
    today: rows.today,
    weeks: rows.weeks,
    facilities: rows.facilities,
    n,
    k,
    histOffsets,
    histDays: Uint32Array.from(days),
    histCounts: Uint32Array.from(counts),
    neverOpened: rows.neverOpened.flatMap((r) => (facility.has(r.facilityId) ? [{ facility: facility.get(r.facilityId)!, bucket: r.bucket, n: r.n, k: r.k % 2 ** 32 }] : [])),
  };
}

const ARRAYS = ['n', 'k', 'histOffsets', 'histDays', 'histCounts'] as const;

/** The snapshot as one binary value: a JSON header (its length first, padded to 4 bytes), then the arrays. */
export function encodeSnapshot(s: TrendsSnapshot): ArrayBuffer {
  const header = new TextEncoder().encode(
    JSON.stringify({ today: s.today, weeks: s.weeks, facilities: s.facilities, neverOpened: s.neverOpened, lengths: ARRAYS.map((a) => s[a].length) }),
  );
  const headerBytes = Math.ceil(header.length / 4) * 4;
  const total = 4 + headerBytes + ARRAYS.reduce((a, name) => a + s[name].length * 4, 0);
  const buffer = new ArrayBuffer(total);
  new DataView(buffer).setUint32(0, header.length, true);
  new Uint8Array(buffer, 4, header.length).set(header);
  let offset = 4 + headerBytes;
  for (const name of ARRAYS) {
    new Uint32Array(buffer, offset, s[name].length).set(s[name]);
    offset += s[name].length * 4;
  }
  return buffer;
}

/** Reads encodeSnapshot's value back; the arrays are views on the buffer, not copies. */
export function decodeSnapshot(buffer: ArrayBuffer): TrendsSnapshot {
  const length = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length))) as Omit<TrendsSnapshot, (typeof ARRAYS)[number]> & { lengths: number[] };
  let offset = 4 + Math.ceil(length / 4) * 4;
  const arrays = ARRAYS.map((_, i) => {
    const a = new Uint32Array(buffer, offset, header.lengths[i]!);
    offset += a.length * 4;
    return a;
  });
  const [n, k, histOffsets, histDays, histCounts] = arrays as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  return { today: header.today, weeks: header.weeks, facilities: header.facilities, neverOpened: header.neverOpened, n, k, histOffsets, histDays, histCounts };
}

type SnapshotEnv = { DB: D1Database; STATE: KVNamespace };

/**
 * The snapshots this isolate has decoded, by KV key: a request checks only the snapshot's id (a
 * few bytes in KV) and reuses the decoded one while the id is the same. Dropping or replacing a
 * snapshot in KV (a new day, a bulk import) changes or removes the id, so nothing stale is served.
 */
const decoded = new Map<string, { id: string; value: unknown }>();

/**
 * A day's value: the one kept in KV (decoded once per isolate), else computed now and kept. The
 * value goes in first and its id after, so a reader never finds an id without its value.
 */
async function daily<T>(env: SnapshotEnv, key: string, compute: () => Promise<T>, encode: (v: T) => ArrayBuffer | string, decode: (kept: ArrayBuffer) => T): Promise<T> {
  const id = await env.STATE.get(`${key}/id`);
  const cached = decoded.get(key);
  if (id && cached?.id === id) return cached.value as T;
  const kept = id ? await env.STATE.get(key, 'arrayBuffer') : null;
  if (id && kept) {
    const value = decode(kept);
    for (const k of decoded.keys()) if (k.split('/').slice(0, 2).join('/') === key.split('/').slice(0, 2).join('/')) decoded.delete(k); // yesterday's goes
    decoded.set(key, { id, value });
    return value;
  }
  const value = await compute();
  const fresh = crypto.randomUUID();
  await env.STATE.put(key, encode(value), { expirationTtl: SNAPSHOT_TTL_SECONDS });
  await env.STATE.put(`${key}/id`, fresh, { expirationTtl: SNAPSHOT_TTL_SECONDS });
  decoded.set(key, { id: fresh, value });
  return value;
}

/** Today's dashboard snapshot: the one kept, else computed now (one batch of reads) and kept. */
export function trendsSnapshot(env: SnapshotEnv, today: string): Promise<TrendsSnapshot> {
  return daily(env, trendsSnapshotKey(today), async () => assembleSnapshot(await loadTrendRows(env.DB, snapshotWeeks(today), today)), encodeSnapshot, decodeSnapshot);
}

/** Today's public figures: the snapshot if there is one, else computed now and kept. */
export function publicSnapshot(env: SnapshotEnv, today: string): Promise<PublicData> {
  return daily(
    env,
    publicSnapshotKey(today),
    () => loadPublicData(env.DB, addMonths(today.slice(0, 7), -1), today),
    (d) => JSON.stringify(d),
    (kept) => JSON.parse(new TextDecoder().decode(kept)) as PublicData,
  );
}

/** Drops a day's snapshots from KV (after a bulk import or a restore): the next request computes them again. */
export async function forgetSnapshots(state: KVNamespace, today: string): Promise<void> {
  await Promise.all([trendsSnapshotKey(today), publicSnapshotKey(today)].flatMap((k) => [state.delete(k), state.delete(`${k}/id`)]));
}
