/**
 * @module Readers' bookkeeping on a case: triage (status, severity, tags, assignment) with its
 * event log, the monitors it may be assigned to, and the legal hold.
 */
import type { TriageEvent } from '../contract/console-responses';
import type { Status } from '../domain/case';
import { leadSide, type SendTo, type Side } from '../domain/case-sides';
import { countStatusChange } from '../trends/counters';
import { sideColumns } from './case-sides';

export interface TriageChange {
  status?: { from: Status; to: Status; closedDay: string | null };
  severity?: string | null;
  tags?: string[];
  assignee?: string | null;
}

/**
 * Applies a triage change to one side of a case and records each field in triage_events (under the
 * side's column name: `authority_status` for the authority's side of a case sent to both), in one batch.
 * Only the lead side's status moves the trend counters (src/domain/case-sides.ts leadSide).
 */
export async function applyTriage(
  db: D1Database,
  reportId: string,
  on: { sendTo: SendTo; side: Side },
  change: TriageChange,
  actor: string,
  day: string,
): Promise<void> {
  const col = sideColumns(on.sendTo, on.side);
  const lead = on.side === leadSide(on.sendTo);
  const statements: D1PreparedStatement[] = [];
  const event = (field: string, value: string | null) =>
    db
      .prepare(
        `INSERT INTO triage_events (report_id, seq, field, value, actor, day)
         SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3, ?4, ?5 FROM triage_events WHERE report_id = ?1`,
      )
      .bind(reportId, field, value, actor, day);
  if (change.status) {
    statements.push(
      // Trend counters move with the status; they check the status themselves, so they go first.
      ...(lead ? countStatusChange(db, reportId, change.status.from, change.status.to) : []),
      db
        .prepare(`UPDATE reports SET ${col.status} = ?2, ${col.closed_day} = ?3 WHERE id = ?1 AND ${col.status} = ?4`)
        .bind(reportId, change.status.to, change.status.closedDay, change.status.from),
      event(col.status, change.status.to),
    );
  }
  if (change.severity !== undefined)
    statements.push(db.prepare(`UPDATE reports SET ${col.severity} = ?2 WHERE id = ?1`).bind(reportId, change.severity), event(col.severity, change.severity));
  if (change.assignee !== undefined) statements.push(db.prepare('UPDATE reports SET assignee = ?2 WHERE id = ?1').bind(reportId, change.assignee), event('assignee', change.assignee));
  if (change.tags) {
    statements.push(db.prepare('DELETE FROM report_tags WHERE report_id = ?1').bind(reportId));
    for (const tag of change.tags) statements.push(db.prepare('INSERT INTO report_tags (report_id, tag) VALUES (?1, ?2)').bind(reportId, tag));
    statements.push(event('tags', change.tags.join(',')));
  }
  if (statements.length) await db.batch(statements);
}

/** The monitors serving a facility (for assignment). */
export async function facilityMonitors(db: D1Database, facilityId: string): Promise<Array<{ keyId: string; label: string }>> {
  const { results } = await db
    .prepare(
      `SELECT r.key_id AS keyId, r.label FROM recipients r JOIN recipient_facilities rf ON rf.key_id = r.key_id
        WHERE rf.facility_id = ?1 AND r.role = 'monitor' AND r.status = 'active' ORDER BY r.label`,
    )
    .bind(facilityId)
    .all<{ keyId: string; label: string }>();
  return results;
}

/**
 * A case's triage events, in order; a monitor's without the authority's side (?2 is the reader's
 * role). Numbered by position in what this reader sees, not by the stored seq: gaps in the stored
 * numbers would tell a monitor how often, and between which of its own events, the authority acted.
 */
export async function triageEvents(db: D1Database, reportId: string, role: 'monitor' | 'official'): Promise<TriageEvent[]> {
  const { results } = await db
    .prepare(`SELECT seq, field, value, actor, day FROM triage_events WHERE report_id = ?1 AND (?2 = 'official' OR field NOT LIKE 'authority\\_%' ESCAPE '\\') ORDER BY seq`)
    .bind(reportId, role)
    .all<TriageEvent>();
  return results.map((e, i) => ({ ...e, seq: i + 1 }));
}

/** Puts a case on legal hold with a reason code, or lifts it with null (src/domain/retention.ts). */
export async function setHold(db: D1Database, reportId: string, hold: { reason: string | null; reference?: string | null; note?: string | null }): Promise<void> {
  // Lifting a hold clears its reference and note with it.
  const kept = (v: string | null | undefined) => (hold.reason && v ? v : null);
  await db
    .prepare('UPDATE reports SET hold_reason = ?2, hold_reference = ?3, hold_note = ?4 WHERE id = ?1')
    .bind(reportId, hold.reason, kept(hold.reference), kept(hold.note))
    .run();
}
