/**
 * @module Reports: the sealed body, the clear metadata and the wrapped keys, all in one D1 batch.
 *
 * A report is visible only once its batch commits, and the batch holds its body too: no moment
 * where a body exists without its report. (A mail report too large for a D1 row is the exception:
 * its body goes to KV first, and a crash leaves at most an unreferenced blob that cleanup removes.)
 */
import type { SignedReaderList, Sodium } from '../crypto';
import type { Category, SendTo } from '../domain/report';
import { sealedBodyWrite } from './blobs';
import { uploadRecordsDone } from './uploads';
import { facilityStatement, toFacility, type Facility, type FacilityRow } from './facilities';
import { intakeGuard, type IntakeExpectation } from './intake-guard';
import { signedReaderListStatement } from './reader-lists';
import { spentNonceStatement } from './spent-challenges';
import { activeRecipientsStatement, type RecipientKey } from './recipients';
import { newRecordKey } from '../trends/cellkey';
import { countNewReport } from '../trends/counters';

export interface NewReport {
  id: string;
  facilityId: string;
  channel: 'web' | 'email';
  sendTo: SendTo;
  categories: Category[];
  /** The day of its release batch (equal to releaseDay(releaseAt)). */
  receivedDay: string;
  /** The release batch it reaches readers in, "YYYY-MM-DDTHH" (src/domain/release.ts). */
  releaseAt: string;
  mailbox: { id: string; boxPk: string; signPk: string };
  body: Uint8Array;
  bodyDigest: string;
  keys: Array<{ keyId: string; sealed: string }>;
  /** The proof-of-work challenge this report spends, if any (email reports have none). */
  spends?: { nonce: string; expiresDay: string };
  /** The check of the receipt code's constancia key (src/crypto/constancia.ts), if the page sent one. */
  constanciaCheck?: string | null;
  /** Attachments whose chunks are already in KV. */
  attachments?: Array<{ id: string; chunks: number }>;
}

/**
 * Where a body lives in KV, named by its content: a retry of the same bytes lands on the same key,
 * and two different ciphertexts racing under one report id can never overwrite each other.
 */
export const reportBodyKey = (id: string, bodyDigest: string) => `report/${id}/body/${bodyDigest.slice(0, 22)}`;

export interface StoredReportRef {
  id: string;
  facilityId: string;
  bodyDigest: string;
  receivedDay: string;
  releaseAt: string;
  constanciaCheck: string | null;
}

const findReportStatement = (db: D1Database, id: string) =>
  db.prepare('SELECT id, facility_id AS facilityId, body_digest AS bodyDigest, received_day AS receivedDay, release_at AS releaseAt, constancia_check AS constanciaCheck FROM reports WHERE id = ?1').bind(id);

export async function findReport(db: D1Database, id: string): Promise<StoredReportRef | null> {
  return findReportStatement(db, id).first<StoredReportRef>();
}

export interface IntakeLookup {
  facility: Facility | null;
  existing: StoredReportRef | null;
  recipients: RecipientKey[];
  mailboxTaken: boolean;
  challengeSpent: boolean;
  /** The report id this challenge already paid evidence chunks for, if any (src/storage/uploads.ts). */
  challengeClaimedBy: string | null;
}

/** Everything a submission is checked against, read in one D1 round trip. */
export async function intakeLookup(
  db: D1Database,
  q: { facilityId: string; reportId: string; mailboxId: string; challengeNonce: string },
): Promise<IntakeLookup> {
  const { facilityId, reportId, mailboxId, challengeNonce } = q;
  const [facility, existing, recipients, mailbox, spent, claim] = await db.batch([
    facilityStatement(db, facilityId),
    findReportStatement(db, reportId),
    activeRecipientsStatement(db, facilityId),
    db.prepare('SELECT 1 AS taken FROM reports WHERE mailbox_id = ?1').bind(mailboxId),
    spentNonceStatement(db, challengeNonce),
    db.prepare('SELECT report_id AS reportId FROM upload_claims WHERE nonce = ?1').bind(challengeNonce),
  ]);
  const row = facility!.results[0] as FacilityRow | undefined;
  return {
    facility: row ? toFacility(row) : null,
    existing: (existing!.results[0] as StoredReportRef | undefined) ?? null,
    recipients: recipients!.results as RecipientKey[],
    mailboxTaken: mailbox!.results.length > 0,
    challengeSpent: spent!.results.length > 0,
    challengeClaimedBy: (claim!.results[0] as { reportId: string } | undefined)?.reportId ?? null,
  };
}

export interface MailIntakeLookup {
  /** A report with this id is stored already: the mail is a copy. */
  exists: boolean;
  recipients: RecipientKey[];
  /** Mail reports the facility took for this release day (against facilities.mail_daily_cap). */
  mailToday: number;
  /** The facility's reader list as the administrator signed it, unchecked. */
  signedList: SignedReaderList | undefined;
}

/** Everything a mail is checked against before it is sealed, read in one D1 round trip. */
export async function mailIntakeLookup(db: D1Database, q: { facilityId: string; reportId: string; receivedDay: string }): Promise<MailIntakeLookup> {
  const [existing, recipients, today, list] = await db.batch([
    db.prepare('SELECT 1 AS found FROM reports WHERE id = ?1').bind(q.reportId),
    activeRecipientsStatement(db, q.facilityId),
    db.prepare("SELECT count(*) AS n FROM reports WHERE facility_id = ?1 AND received_day = ?2 AND channel = 'email'").bind(q.facilityId, q.receivedDay),
    signedReaderListStatement(db, q.facilityId),
  ]);
  return {
    exists: existing!.results.length > 0,
    recipients: recipients!.results as RecipientKey[],
    mailToday: (today!.results[0] as { n: number }).n,
    signedList: list!.results[0] as SignedReaderList | undefined,
  };
}

/**
 * Reports released after `since` up to `upTo`, at one facility and in the whole country: the
 * volume that prices a challenge (src/domain/difficulty.ts). Two index range counts. The plant's
 * count takes only reports its monitor reads: the price is public, and one that moved with reports
 * sent to the authority alone would tell the company how many it never saw.
 */
export async function releasedVolume(db: D1Database, facilityId: string, since: string, upTo: string): Promise<{ facility: number; national: number }> {
  return volumeOf(await db.batch(releasedVolumeStatements(db, facilityId, since, upTo)));
}

/** The statements of releasedVolume, for a caller's own batch; volumeOf reads their results. */
export function releasedVolumeStatements(db: D1Database, facilityId: string, since: string, upTo: string): D1PreparedStatement[] {
  return [
    db
      .prepare(
        "SELECT count(*) AS n FROM reports INDEXED BY reports_by_release WHERE facility_id = ?1 AND release_at > ?2 AND release_at <= ?3 AND send_to <> 'authority'",
      )
      .bind(facilityId, since, upTo),
    db.prepare('SELECT count(*) AS n FROM reports INDEXED BY reports_by_release_at WHERE release_at > ?1 AND release_at <= ?2').bind(since, upTo),
  ];
}

export const volumeOf = ([facility, national]: Array<{ results: unknown[] }>) => ({
  facility: (facility!.results[0] as { n: number }).n,
  national: (national!.results[0] as { n: number }).n,
});

/**
 * Stores a report: in one D1 batch its body, the report, its categories, its wrapped keys, the
 * spent challenge and its trend counts. If any row fails (a replayed challenge, a racing copy) none
 * is written. With `expect`, the batch also fails unless what intake would have looked up first
 * still holds (src/storage/intake-guard.ts), so a first submission needs no read before it.
 */
export async function storeReport(s: Sodium, db: D1Database, blobs: KVNamespace, r: NewReport, expect?: IntakeExpectation): Promise<void> {
  const bodyKey = reportBodyKey(r.id, r.bodyDigest);
  const body = await sealedBodyWrite(s, db, blobs, bodyKey, r.body, r.receivedDay);
  const guard = expect ? intakeGuard(db, expect) : null;
  const recordKey = newRecordKey();
  await db.batch([
    ...(guard ? [guard.check] : []),
    ...body,
    // The record key and the authority's side are written with the row, not by the triggers'
    // UPDATEs after it (migrations 0013, 0016): the same row, two writes fewer per report.
    db
      .prepare(
        `INSERT INTO reports (id, facility_id, channel, send_to, received_day, release_at, status,
                              mailbox_id, mailbox_box_pk, mailbox_sign_pk, body_key, body_digest, constancia_check,
                              record_key, authority_status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?11, 'new', ?6, ?7, ?8, ?9, ?10, ?12, ?13, CASE WHEN ?4 = 'both' THEN 'new' END)`,
      )
      .bind(
        r.id,
        r.facilityId,
        r.channel,
        r.sendTo,
        r.receivedDay,
        r.mailbox.id,
        r.mailbox.boxPk,
        r.mailbox.signPk,
        bodyKey,
        r.bodyDigest,
        r.releaseAt,
        r.constanciaCheck ?? null,
        recordKey,
      ),
    ...r.categories.map((c) => db.prepare('INSERT INTO report_categories (report_id, category) VALUES (?1, ?2)').bind(r.id, c)),
    ...r.keys.map((k) =>
      db.prepare('INSERT INTO wrapped_keys (report_id, message_id, key_id, sealed) VALUES (?1, ?1, ?2, ?3)').bind(r.id, k.keyId, k.sealed),
    ),
    ...(r.attachments ?? []).map((a) =>
      // kept = 0: its chunks are still under their upload keys until keepAttachments copies them.
      db.prepare('INSERT INTO attachments (report_id, id, chunks, kept) VALUES (?1, ?2, ?3, 0)').bind(r.id, a.id, a.chunks),
    ),
    ...(r.spends ? [db.prepare('INSERT INTO spent_challenges (nonce, expires_day) VALUES (?1, ?2)').bind(r.spends.nonce, r.spends.expiresDay)] : []),
    // Its upload records go with this batch, so no row dates its uploads (src/storage/uploads.ts); a
    // token that paid its chunks stays spent, so it pays for no other report.
    ...uploadRecordsDone(db, r.id),
    // Trend counters (src/trends/counters.ts), in this batch so they commit or fail with the report.
    ...countNewReport(db, r, recordKey),
    ...(guard ? [guard.release] : []),
  ]);
}
