/**
 * @module Bounded evidence uploads (migration 0011).
 *
 * A chunk is recorded in D1 before its bytes go to KV, in one batch that also binds the paying
 * token to the report id and checks the per-report cap, so the check and the record are atomic.
 * Bytes go to `upload/…` with a KV `expiration` at a day boundary (never a TTL, whose absolute
 * expiry would date the upload to the second): chunks of a report never sent expire by themselves.
 * Once the report is stored its upload records go in the report's own batch, its chunks are copied
 * to their permanent key (`report/…/att/…`, no TTL), the attachment row is marked kept and the
 * upload keys are deleted; a copy that fails is finished by the daily job, and readers fall back
 * to the upload key meanwhile. Erasure queues the upload keys too (src/storage/retention.ts).
 */
import type { CaseAttachment } from '../contract/console-responses';
import { ATTACHMENT_LIMITS, attachmentChunkKey, attachmentUploadKey } from '../domain/attachment';
import { addDays } from '../domain/case';
import { mexicoDayOf } from '../domain/release';

/** How long an uploaded chunk of an unsent report lives, at least: the token lives 2 h; the daily repair gets two runs. */
export const UPLOAD_TTL_SECONDS = 3 * 24 * 60 * 60;
const UPLOAD_TTL_DAYS = 3;
/** Chunks copied at once: a few hundred KiB each in memory. */
const COPY_CONCURRENCY = 6;

/** 'new': recorded by this call; 'recorded': recorded before (a repeat: see putChunkOnce). */
export type ChunkClaim = 'new' | 'recorded' | 'spent' | 'other_report' | 'over_cap';

/**
 * Records that `nonce` pays for chunk `index` of `attachmentId` in `reportId`, if the token is
 * unspent, not bound to another report id, and the report stays within ATTACHMENT_LIMITS.files.
 * A repeat of a recorded chunk writes no row and says 'recorded'.
 */
export async function claimChunk(
  db: D1Database,
  q: { nonce: string; tokenExpiresDay: string; reportId: string; attachmentId: string; index: number },
): Promise<ChunkClaim> {
  const { nonce, tokenExpiresDay, reportId, attachmentId, index } = q;
  const chunkExpiresDay = addDays(mexicoDayOf(new Date()), UPLOAD_TTL_DAYS + 1);
  const [before, , , state] = await db.batch([
    db.prepare('SELECT 1 AS recorded FROM attachment_uploads WHERE report_id = ?1 AND attachment_id = ?2 AND idx = ?3').bind(reportId, attachmentId, index),
    db
      .prepare(
        `INSERT INTO upload_claims (nonce, report_id, expires_day)
         SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM spent_challenges WHERE nonce = ?1)
         ON CONFLICT (nonce) DO NOTHING`,
      )
      .bind(nonce, reportId, tokenExpiresDay),
    db
      .prepare(
        `INSERT INTO attachment_uploads (report_id, attachment_id, idx, expires_day)
         SELECT ?2, ?3, ?4, ?5
         WHERE NOT EXISTS (SELECT 1 FROM spent_challenges WHERE nonce = ?1)
           AND EXISTS (SELECT 1 FROM upload_claims WHERE nonce = ?1 AND report_id = ?2)
           AND (EXISTS (SELECT 1 FROM attachment_uploads WHERE report_id = ?2 AND attachment_id = ?3)
                OR (SELECT COUNT(DISTINCT attachment_id) FROM attachment_uploads WHERE report_id = ?2) < ?6)
         ON CONFLICT (report_id, attachment_id, idx) DO NOTHING`,
      )
      .bind(nonce, reportId, attachmentId, index, chunkExpiresDay, ATTACHMENT_LIMITS.files),
    db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM spent_challenges WHERE nonce = ?1) AS spent,
                (SELECT report_id FROM upload_claims WHERE nonce = ?1) AS claimedBy,
                EXISTS (SELECT 1 FROM attachment_uploads WHERE report_id = ?2 AND attachment_id = ?3 AND idx = ?4) AS recorded`,
      )
      .bind(nonce, reportId, attachmentId, index),
  ]);
  const row = state!.results[0] as { spent: number; claimedBy: string | null; recorded: number };
  if (row.spent) return 'spent';
  if (row.claimedBy !== reportId) return 'other_report';
  if (!row.recorded) return 'over_cap';
  return before!.results.length ? 'recorded' : 'new';
}

export type LaterChunkClaim = 'new' | 'recorded' | 'stored' | 'over_cap';

/**
 * Records chunk `index` of a file a worker adds later to their stored case (sent with an answer,
 * src/routes/mailbox-attachments-api.ts). The case's files, report and later ones together, stay
 * within ATTACHMENT_LIMITS.files: those stored plus those still uploading count. A file already
 * stored is never written again ('stored'). A repeat of a recorded chunk writes no row ('recorded').
 */
export async function claimLaterChunk(db: D1Database, q: { reportId: string; attachmentId: string; index: number }): Promise<LaterChunkClaim> {
  const { reportId, attachmentId, index } = q;
  const chunkExpiresDay = addDays(mexicoDayOf(new Date()), UPLOAD_TTL_DAYS + 1);
  const [before, , state] = await db.batch([
    db.prepare('SELECT 1 AS recorded FROM attachment_uploads WHERE report_id = ?1 AND attachment_id = ?2 AND idx = ?3').bind(reportId, attachmentId, index),
    db
      .prepare(
        `INSERT INTO attachment_uploads (report_id, attachment_id, idx, expires_day)
         SELECT ?1, ?2, ?3, ?4
         WHERE NOT EXISTS (SELECT 1 FROM attachments WHERE report_id = ?1 AND id = ?2)
           AND (EXISTS (SELECT 1 FROM attachment_uploads WHERE report_id = ?1 AND attachment_id = ?2)
                OR (SELECT COUNT(*) FROM (SELECT id FROM attachments WHERE report_id = ?1
                                          UNION SELECT attachment_id FROM attachment_uploads WHERE report_id = ?1)) < ?5)
         ON CONFLICT (report_id, attachment_id, idx) DO NOTHING`,
      )
      .bind(reportId, attachmentId, index, chunkExpiresDay, ATTACHMENT_LIMITS.files),
    db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM attachments WHERE report_id = ?1 AND id = ?2) AS stored,
                EXISTS (SELECT 1 FROM attachment_uploads WHERE report_id = ?1 AND attachment_id = ?2 AND idx = ?3) AS recorded`,
      )
      .bind(reportId, attachmentId, index),
  ]);
  const row = state!.results[0] as { stored: number; recorded: number };
  if (row.stored) return 'stored';
  if (!row.recorded) return 'over_cap';
  return before!.results.length ? 'recorded' : 'new';
}

/**
 * Puts a claimed chunk's bytes, once: a chunk recorded before is written only if its bytes never
 * reached KV. 'same': a repeat of the stored bytes (nothing written); 'different': other bytes in
 * a recorded chunk's place, refused (nothing written).
 */
export async function putChunkOnce(
  blobs: KVNamespace,
  q: { reportId: string; attachmentId: string; index: number; recorded: boolean },
  bytes: Uint8Array,
): Promise<'written' | 'same' | 'different'> {
  if (q.recorded) {
    const stored = await blobs.get(attachmentUploadKey(q.reportId, q.attachmentId, q.index), 'arrayBuffer');
    if (stored) return sameBytes(new Uint8Array(stored), bytes) ? 'same' : 'different';
  }
  await putUploadedChunk(blobs, q.reportId, q.attachmentId, q.index, bytes);
  return 'written';
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** How many files a case has stored (its report's and those added later), and whether any of `ids` is one of them. */
export async function storedFileCount(db: D1Database, reportId: string, ids: string[]): Promise<{ count: number; taken: boolean }> {
  const { results } = await db.prepare('SELECT id FROM attachments WHERE report_id = ?1').bind(reportId).all<{ id: string }>();
  const have = new Set(results.map((r) => r.id));
  return { count: have.size, taken: ids.some((id) => have.has(id)) };
}

/**
 * When an upload made now expires: the midnight that starts the Mexico City day 4 days after
 * today's (Mexico City keeps UTC-6 all year since 2022), the same for every upload of one Mexico day
 * and never sooner than UPLOAD_TTL_SECONDS. KV returns a key's absolute expiry in list(), so a TTL
 * counted from the upload would give away its second, and a UTC day would tell uploads before
 * 18:00 in Mexico from those after.
 */
export function uploadExpiration(nowSeconds: number): number {
  const today = mexicoDayOf(new Date(nowSeconds * 1000));
  return Date.parse(`${addDays(today, UPLOAD_TTL_DAYS + 1)}T00:00:00-06:00`) / 1000;
}

/** Stores an uploaded chunk under its upload key, expiring by itself at a day boundary. */
export async function putUploadedChunk(blobs: KVNamespace, reportId: string, attachmentId: string, index: number, bytes: Uint8Array): Promise<void> {
  await blobs.put(attachmentUploadKey(reportId, attachmentId, index), bytes, { expiration: uploadExpiration(Math.floor(Date.now() / 1000)) });
}

/**
 * The statements that drop a stored report's upload records, in the report's own batch: the
 * tokens that paid its chunks join the spent set (they paid for this report only), and the rows
 * with their expiry days go.
 */
export function uploadRecordsDone(db: D1Database, reportId: string): D1PreparedStatement[] {
  return [
    db
      .prepare(
        'INSERT INTO spent_challenges (nonce, expires_day) SELECT nonce, expires_day FROM upload_claims WHERE report_id = ?1 ON CONFLICT (nonce) DO NOTHING',
      )
      .bind(reportId),
    db.prepare('DELETE FROM upload_claims WHERE report_id = ?1').bind(reportId),
    db.prepare('DELETE FROM attachment_uploads WHERE report_id = ?1').bind(reportId),
  ];
}

/** A stored chunk: its permanent key, or its upload key while the copy is not done. */
export async function getChunk(blobs: KVNamespace, reportId: string, attachmentId: string, index: number): Promise<ArrayBuffer | null> {
  return (
    (await blobs.get(attachmentChunkKey(reportId, attachmentId, index), 'arrayBuffer')) ??
    (await blobs.get(attachmentUploadKey(reportId, attachmentId, index), 'arrayBuffer'))
  );
}

/**
 * Copies the chunks of every attachment not yet kept (of one report, or of all) to their
 * permanent key without a TTL, then marks them kept. Idempotent: a chunk already copied is
 * skipped. Returns how many attachments were kept; one whose chunks are missing is left for later.
 */
export async function keepAttachments(db: D1Database, blobs: KVNamespace, reportId?: string): Promise<number> {
  const pending = reportId
    ? await db.prepare('SELECT report_id AS reportId, id, chunks FROM attachments WHERE kept = 0 AND report_id = ?1').bind(reportId).all<Pending>()
    : await db.prepare('SELECT report_id AS reportId, id, chunks FROM attachments WHERE kept = 0').all<Pending>();
  let kept = 0;
  for (const a of pending.results) {
    const indexes = Array.from({ length: a.chunks }, (_, i) => i);
    let complete = true;
    for (let start = 0; start < indexes.length; start += COPY_CONCURRENCY) {
      const done = await Promise.all(indexes.slice(start, start + COPY_CONCURRENCY).map((i) => copyChunk(blobs, a.reportId, a.id, i)));
      if (done.includes(false)) complete = false;
    }
    if (!complete) continue;
    await db.prepare('UPDATE attachments SET kept = 1 WHERE report_id = ?1 AND id = ?2').bind(a.reportId, a.id).run();
    // The copies are kept: the upload keys (whose expiry dates the upload) go now, not days later.
    for (let start = 0; start < indexes.length; start += COPY_CONCURRENCY) {
      await Promise.all(indexes.slice(start, start + COPY_CONCURRENCY).map((i) => blobs.delete(attachmentUploadKey(a.reportId, a.id, i))));
    }
    kept++;
  }
  return kept;
}

interface Pending {
  reportId: string;
  id: string;
  chunks: number;
}

async function copyChunk(blobs: KVNamespace, reportId: string, attachmentId: string, index: number): Promise<boolean> {
  const permanent = attachmentChunkKey(reportId, attachmentId, index);
  const bytes = await blobs.get(attachmentUploadKey(reportId, attachmentId, index), 'arrayBuffer');
  if (bytes) {
    await blobs.put(permanent, bytes);
    return true;
  }
  // Already copied (and the upload expired), or lost: only the permanent key can tell.
  return (await blobs.get(permanent, 'arrayBuffer')) !== null;
}

/** Forgets upload records whose tokens and chunks have expired (daily). */
export async function forgetExpiredUploads(db: D1Database, today = mexicoDayOf(new Date())): Promise<number> {
  const [claims, chunks] = await db.batch([
    db.prepare('DELETE FROM upload_claims WHERE expires_day < ?1').bind(today),
    db.prepare('DELETE FROM attachment_uploads WHERE expires_day < ?1').bind(today),
  ]);
  return (claims!.meta.changes ?? 0) + (chunks!.meta.changes ?? 0);
}

/** Whether every chunk 0..chunks-1 of an attachment is stored. */
export async function attachmentComplete(blobs: KVNamespace, reportId: string, attachmentId: string, chunks: number): Promise<boolean> {
  const prefix = attachmentUploadKey(reportId, attachmentId, 0).replace(/0$/, '');
  const { keys } = await blobs.list({ prefix, limit: 1000 });
  const have = new Set(keys.map((k) => k.name.slice(prefix.length)));
  for (let i = 0; i < chunks; i++) if (!have.has(String(i))) return false;
  return true;
}

/**
 * A case's (?1) attachments a reader may see at the last release (?2): the report's, and those a
 * worker sent with an answer once that answer is released (migration 0021).
 */
const RELEASED_ATTACHMENT = `LEFT JOIN messages m ON m.report_id = a.report_id AND m.id = a.message_id
  WHERE a.report_id = ?1 AND (a.message_id IS NULL OR m.release_at <= ?2)`;

/** A case's attachments readers may see at release `released`, their chunk counts and the answer each came with (null: the report). */
export async function caseAttachments(db: D1Database, reportId: string, released: string): Promise<CaseAttachment[]> {
  return (
    await db
      .prepare(`SELECT a.id, a.chunks, a.message_id AS messageId FROM attachments a ${RELEASED_ATTACHMENT} ORDER BY a.id`)
      .bind(reportId, released)
      .all<CaseAttachment>()
  ).results;
}

/** How many chunks one of a case's attachments has, or null when readers may not see such an attachment at release `released`. */
export async function attachmentChunks(db: D1Database, reportId: string, attachmentId: string, released: string): Promise<number | null> {
  const row = await db
    .prepare(`SELECT a.chunks FROM attachments a ${RELEASED_ATTACHMENT} AND a.id = ?3`)
    .bind(reportId, released, attachmentId)
    .first<{ chunks: number }>();
  return row?.chunks ?? null;
}

/**
 * How many chunks a file sent with a message of the case's thread has (an answer's, for the
 * worker to read back on the follow-up page), or null: the report's own files are not served there.
 */
export async function messageAttachmentChunks(db: D1Database, reportId: string, attachmentId: string): Promise<number | null> {
  const row = await db
    .prepare('SELECT chunks FROM attachments WHERE report_id = ?1 AND id = ?2 AND message_id IS NOT NULL')
    .bind(reportId, attachmentId)
    .first<{ chunks: number }>();
  return row?.chunks ?? null;
}
