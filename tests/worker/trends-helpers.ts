/**
 * Helpers for the trends tests: backdated reports written straight into D1 as the write path
 * would have left them (days, replies and the answer day, closing, monitors' views), counters
 * rebuilt from them, and the dashboard fetched as an official. Their record keys are 0, so every
 * cell's key is 0 and its adjustment none (src/trends/cellkey.ts): these tests see true counts.
 */
import { env } from 'cloudflare:test';
import type { Sodium } from '../../src/crypto';
import { addDays } from '../../src/domain/case';
import type { SendTo } from '../../src/domain/report';
import { mexicoDay } from '../../src/lib/clock';
import { appendAudit } from '../../src/storage/audit';
import { rebuildTrendCounters } from '../../src/trends/counters';
import { trendsSnapshotKey } from '../../src/trends/snapshot';
import type { Table } from '../../src/trends/tables';
import type { DashboardView } from '../../src/trends/view';
import { api } from './console-helpers';

export const today = () => mexicoDay();

export interface Fixture {
  facilityId: string;
  /** Days before today the report arrived. */
  ago: number;
  sendTo?: SendTo;
  status?: string;
  categories?: string[];
  /** Days after arrival of the first and second replies to the worker, and of closing. */
  ackAfter?: number;
  answerAfter?: number;
  closedAfter?: number;
  /** A monitor decrypted it (a 'view' in the audit log). */
  viewed?: boolean;
}

/** Writes reports as if they had arrived and been handled on past days; `times` copies of each. */
export async function insertReports(s: Sodium, fixtures: Array<Fixture & { times?: number }>): Promise<string[]> {
  const day = today();
  const ids: string[] = [];
  const statements: D1PreparedStatement[] = [];
  const views: string[] = [];
  for (const f of fixtures) {
    for (let i = 0; i < (f.times ?? 1); i++) {
      const id = s.to_hex(s.randombytes_buf(16));
      ids.push(id);
      const received = addDays(day, -f.ago);
      const at = (n?: number) => (n === undefined ? null : addDays(received, n));
      statements.push(
        env.DB.prepare(
          `INSERT INTO reports (id, facility_id, channel, send_to, received_day, status, mailbox_id, mailbox_box_pk, mailbox_sign_pk,
                                body_key, body_digest, first_reply_day, closed_day, record_key)
           VALUES (?1, ?2, 'web', ?3, ?4, ?5, ?1, 'pk', 'pk', 'none', 'digest', ?6, ?7, 0)`,
        ).bind(id, f.facilityId, f.sendTo ?? 'monitor', received, f.status ?? 'new', at(f.ackAfter), at(f.closedAfter)),
        ...(f.answerAfter === undefined
          ? []
          : [env.DB.prepare('INSERT INTO report_answers (facility_id, received_day, report_id, day) VALUES (?1, ?2, ?3, ?4)').bind(f.facilityId, received, id, at(f.answerAfter))]),
        ...(f.categories ?? ['intimidation']).map((c) => env.DB.prepare('INSERT INTO report_categories (report_id, category) VALUES (?1, ?2)').bind(id, c)),
        ...[f.ackAfter, f.answerAfter]
          .filter((n): n is number => n !== undefined)
          .map((n, seq) =>
            env.DB.prepare(
              `INSERT INTO messages (report_id, seq, id, kind, author_role, author_key, day, body_key) VALUES (?1, ?2, ?3, 'reply', 'monitor', 'k', ?4, 'none')`,
            ).bind(id, seq + 1, s.to_hex(s.randombytes_buf(16)), addDays(received, n)),
          ),
      );
      if (f.viewed) views.push(id);
    }
  }
  for (let i = 0; i < statements.length; i += 200) await env.DB.batch(statements.slice(i, i + 200));
  if (views.length) await appendAudit(env.DB, s, views.map((id) => ({ day, actor: 'k', role: 'monitor', action: 'view', reportId: id, outcome: 'ok' as const, detail: null })));
  await rebuildTrendCounters(env.DB);
  // As after a bulk import: today's dashboard snapshot is computed again, with these reports.
  await forgetTrendsSnapshot();
  return ids;
}

/** Drops today's dashboard snapshot, so the next request computes it from the database as it is now. */
export async function forgetTrendsSnapshot() {
  const key = trendsSnapshotKey(today());
  await Promise.all([env.STATE.delete(key), env.STATE.delete(`${key}/id`)]);
}

export async function dashboard(token: string, query = ''): Promise<DashboardView> {
  const res = await api(`/console/api/trends?${query}`, { token });
  if (res.status !== 200) throw new Error(`dashboard: ${res.status} ${await res.text()}`);
  return res.json();
}

export const table = (view: { tables: Table[] }, id: string) => {
  const found = view.tables.find((t) => t.id === id);
  if (!found) throw new Error(`no table ${id}`);
  return found;
};

/** A table's row by label, as { column label: value }. */
export function rowOf(t: Table, label: string): Record<string, string | number> {
  const r = label === 'TOTAL' ? t.totals : t.rows.find((x) => x.label === label);
  if (!r) throw new Error(`no row ${label} in ${t.id}`);
  return Object.fromEntries([
    ...t.columns.map((c, i) => [c, r.cells[i]!]),
    [t.totalLabel, r.total],
    ...(t.extraColumns ?? []).map((c, i) => [c, r.extra![i]!]),
  ]);
}

/** Every count in a table (cells and totals), as shown. */
export const countsOf = (t: Table) => [...t.rows, ...(t.totals ? [t.totals] : [])].flatMap((r) => [...r.cells, r.total]);
