/**
 * @module A case's thread: the messages readers and the worker read, and storing a reply, note or
 * answer with its sealed body and keys in one batch (a reply also moves its side's clocks).
 */
import { copiesOf } from './shared-keys';
import type { Sodium } from '../crypto';
import type { ConsoleThreadMessage } from '../contract/responses';
import { leadSide, sideOf, type SendTo, type Side } from '../domain/case-sides';
import { sealedBodyWrite } from './blobs';
import { sideColumns } from './case-sides';
import { countStatusChange, recordAnswerDay } from '../trends/counters';

/** A thread message as stored: the wire's, with where its body lies instead of the body. */
export type StoredThreadMessage = Omit<ConsoleThreadMessage, 'body'> & { bodyKey: string };

/**
 * A case's messages with the content key sealed to the given key id (notes for others come back
 * without one). The worker's mailbox (released = null) reads everything in the order written. A
 * reader reads only what has been released, in release order, numbered by position: a worker's
 * answer waiting for its release neither shows nor leaves a gap in the numbering, and once
 * released it sorts after every reader message of the window it arrived in.
 */
export async function threadFor(db: D1Database, reportId: string, keyId: string, released: string | null): Promise<StoredThreadMessage[]> {
  const { results } = await db
    .prepare(
      `SELECT m.id, m.seq, m.kind, m.author_role AS authorRole, m.author_key AS authorKey, m.day, m.body_key AS bodyKey, w.sealed,
              ${copiesOf('m.report_id', 'm.id', '?2')} AS sealedAlso
         FROM messages m
         LEFT JOIN wrapped_keys w ON w.report_id = m.report_id AND w.message_id = m.id AND w.key_id = ?2
        WHERE m.report_id = ?1 AND (?3 IS NULL OR m.release_at <= ?3)
        ORDER BY ${released === null ? 'm.seq' : 'm.release_at, m.seq'}`,
    )
    .bind(reportId, keyId, released)
    .all<Omit<StoredThreadMessage, 'sealedAlso'> & { sealedAlso: string | null }>();
  const rows = results.map((m) => ({ ...m, sealedAlso: m.sealedAlso ? (JSON.parse(m.sealedAlso) as string[]) : [] }));
  return released === null ? rows : rows.map((m, i) => ({ ...m, seq: i + 1 }));
}

export const messageBodyKey = (reportId: string, messageId: string) => `report/${reportId}/message/${messageId}`;

export interface NewMessage {
  reportId: string;
  id: string;
  kind: 'reply' | 'answer' | 'note';
  authorRole: 'worker' | 'monitor' | 'official';
  authorKey: string | null;
  day: string;
  /** Readers' messages: the last release (they show at once); workers' answers: the next one. */
  releaseAt: string;
  body: Uint8Array;
  keys: Array<{ keyId: string; sealed: string }>;
  /** Who the worker sent the case to: a reader's reply moves their own side only. */
  sendTo: SendTo;
  /** Files a worker's answer brings (uploaded before it, complete): recorded with it, in the same batch. */
  attachments?: Array<{ id: string; chunks: number }>;
}

/**
 * What a reader's reply to the worker does to their side of the case: the first one acknowledges it
 * (its clock stops, and a new case becomes acknowledged, recorded as the replier's triage event);
 * on the lead side the second is the first substantive answer, for the trends' clocks.
 */
function replyMoves(db: D1Database, m: NewMessage, side: Side): D1PreparedStatement[] {
  const col = sideColumns(m.sendTo, side);
  const lead = side === leadSide(m.sendTo);
  return [
    // Counters and the event check that the side is still new, so they go before the UPDATE.
    ...(lead ? countStatusChange(db, m.reportId, 'new', 'acknowledged') : []),
    db
      .prepare(
        `INSERT INTO triage_events (report_id, seq, field, value, actor, day)
         SELECT * FROM (SELECT ?1, coalesce(max(seq), 0) + 1, ?2, 'acknowledged', ?3, ?4 FROM triage_events WHERE report_id = ?1)
          WHERE EXISTS (SELECT 1 FROM reports WHERE id = ?1 AND ${col.status} = 'new')`,
      )
      .bind(m.reportId, col.status, m.authorKey, m.day),
    db.prepare(`UPDATE reports SET ${col.status} = 'acknowledged' WHERE id = ?1 AND ${col.status} = 'new'`).bind(m.reportId),
    db.prepare(`UPDATE reports SET ${col.first_reply_day} = coalesce(${col.first_reply_day}, ?2) WHERE id = ?1`).bind(m.reportId, m.day),
    ...(lead ? [recordAnswerDay(db, m.reportId, m.day, m.authorRole)] : []),
  ];
}

/**
 * Stores a thread message: its body, the message, its wrapped keys and (for the first
 * reply to the worker) the acknowledgement day, or (for the second) the answer day, in one D1
 * batch. A retry with the same id is a no-op.
 */
export async function storeMessage(s: Sodium, db: D1Database, blobs: KVNamespace, m: NewMessage): Promise<'stored' | 'duplicate'> {
  const existing = await db.prepare('SELECT report_id FROM messages WHERE id = ?1').bind(m.id).first<{ report_id: string }>();
  if (existing) return 'duplicate';
  const bodyKey = messageBodyKey(m.reportId, m.id);
  const body = await sealedBodyWrite(s, db, blobs, bodyKey, m.body, m.day);
  await db.batch([
    ...body,
    db
      .prepare(
        `INSERT INTO messages (report_id, seq, id, kind, author_role, author_key, day, body_key, release_at)
         SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM messages WHERE report_id = ?1`,
      )
      .bind(m.reportId, m.id, m.kind, m.authorRole, m.authorKey, m.day, bodyKey, m.releaseAt),
    // A reply to the worker keeps the case alive for retention's idle rule; a note does not, and the
    // worker's answer counts only from its release (so it says nothing early; src/storage/retention.ts).
    ...(m.kind === 'reply' ? [db.prepare('UPDATE reports SET last_activity_day = ?2 WHERE id = ?1').bind(m.reportId, m.day)] : []),
    ...m.keys.map((k) =>
      db.prepare('INSERT INTO wrapped_keys (report_id, message_id, key_id, sealed) VALUES (?1, ?2, ?3, ?4)').bind(m.reportId, m.id, k.keyId, k.sealed),
    ),
    ...(m.kind === 'reply' && m.authorRole !== 'worker' ? replyMoves(db, m, sideOf(m.authorRole)) : []),
    ...(m.attachments ?? []).map((a) =>
      db.prepare('INSERT INTO attachments (report_id, id, chunks, kept, message_id) VALUES (?1, ?2, ?3, 0, ?4)').bind(m.reportId, a.id, a.chunks, m.id),
    ),
    // Its upload records (and their expiry days) go in this batch: the attachment rows count now (src/storage/uploads.ts).
    ...(m.attachments ?? []).map((a) => db.prepare('DELETE FROM attachment_uploads WHERE report_id = ?1 AND attachment_id = ?2').bind(m.reportId, a.id)),
  ]);
  return 'stored';
}

/** Whether a message with this id is stored (in any case: message ids are unique). */
export async function messageExists(db: D1Database, id: string): Promise<boolean> {
  return (await db.prepare('SELECT 1 FROM messages WHERE id = ?1').bind(id).first()) !== null;
}

/** The files sent with a case's thread messages (a worker's answers), each with the message it came with. */
export async function answerFiles(db: D1Database, reportId: string): Promise<Array<{ id: string; messageId: string }>> {
  return (
    await db
      .prepare('SELECT id, message_id AS messageId FROM attachments WHERE report_id = ?1 AND message_id IS NOT NULL')
      .bind(reportId)
      .all<{ id: string; messageId: string }>()
  ).results;
}
