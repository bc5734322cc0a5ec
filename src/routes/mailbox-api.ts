/**
 * @module The worker's side of a case, reached only with the receipt code: the phone derives the
 * case mailbox keys and signs each request. A wrong code and a case that does not exist get the
 * same answer after the same work, so nothing tells whether a case exists.
 */
import { zValidator } from '@hono/zod-validator';
import { invalid } from '../lib/validate';
import { Hono } from 'hono';
import { fromB64, mailboxMessage, verifyProof, type Sodium } from '../crypto';
import { issueChallenge, verifyChallenge } from '../lib/challenge';
import { mexicoDay, nowSeconds, releaseClock } from '../lib/clock';
import { releaseDay } from '../domain/release';
import { eraseDay, retentionPolicy } from '../domain/retention';
import { clockOutcome, type Status } from '../domain/case';
import { issueConstancia, readConstanciaKey } from '../lib/constancia';
import { constanciaCheck } from '../crypto';
import { sidesOf, type SendTo } from '../domain/case-sides';
import { authorityColumn, CASE_CLOSED_DAY, companyColumn } from '../storage/case-sides';
import { eraseCase, purgeErasedBlobs } from '../storage/retention';
import { apiError, type AppEnv } from '../lib/http';
import { loadSodium } from '../lib/sodium';
import { getSealedText } from '../storage/blobs';
import { activityDay } from '../storage/cases';
import { storeMessage, threadFor } from '../storage/messages';
import { getSignedReaderList } from '../storage/reader-lists';
import { readersOf } from '../storage/recipients';
import { readEnvelope } from '../lib/envelope-check';
import { answerSchema, constanciaSchema, threadSchema } from '../contract/mailbox';
import { limitBody } from '../lib/body-limit';
import { rateLimited } from '../lib/rate-limit';
import { ATTACHMENT_LIMITS } from '../domain/attachment';
import { attachmentComplete, keepAttachments, storedFileCount } from '../storage/uploads';

export const mailboxApi = new Hono<AppEnv>();


/** Mailbox tokens carry no work and pay for nothing else (src/lib/challenge.ts). */
const MAILBOX = { purpose: 'mailbox', facility: '*' } as const;

/** A fixed Ed25519 key no one holds: checking against it costs what checking a real one does. */
const DECOY_SIGN_PK = new Uint8Array(32).fill(7);

interface MailboxCase {
  id: string;
  facilityId: string;
  sendTo: SendTo;
  receivedDay: string;
  signPk: string;
  bodyKey: string;
  /** The report's content key sealed to the mailbox (reports sent since format 2), so the worker can read what they sent. */
  reportSealed: string | null;
  /** The day the case closed as a whole: every side it went to (src/storage/case-sides.ts). */
  closedDay: string | null;
  companyStatus: Status | null;
  authorityStatus: Status | null;
  lastActivityDay: string | null;
  holdReason: string | null;
  retentionClosedDays: number | null;
  retentionIdleDays: number | null;
}

/** When the case will be erased if nothing changes (null while on hold), for the worker to see. */
const eraseDayOf = (env: AppEnv['Bindings'], k: MailboxCase) =>
  eraseDay(
    { closedDay: k.closedDay, lastActivityDay: k.lastActivityDay, receivedDay: k.receivedDay, held: k.holdReason !== null },
    retentionPolicy(env, { closedDays: k.retentionClosedDays, idleDays: k.retentionIdleDays }),
  );

/** The case behind a signed request, or null: same queries and one signature check either way. */
export async function provenCase(env: AppEnv['Bindings'], s: Sodium, p: { mailboxId: string; challenge: string; signature: string }, action: string) {
  const check = verifyChallenge(s, env.POW_SECRET, p.challenge, nowSeconds(), MAILBOX);
  const row = await env.DB.prepare(
    `SELECT r.id, r.facility_id AS facilityId, r.send_to AS sendTo, r.received_day AS receivedDay, r.mailbox_sign_pk AS signPk,
            r.body_key AS bodyKey, w.sealed AS reportSealed, ${CASE_CLOSED_DAY} AS closedDay, ${activityDay('?2')} AS lastActivityDay,
            ${companyColumn('status')} AS companyStatus, ${authorityColumn('status')} AS authorityStatus,
            r.hold_reason AS holdReason, f.retention_closed_days AS retentionClosedDays, f.retention_idle_days AS retentionIdleDays
       FROM reports r JOIN facilities f ON f.id = r.facility_id
       LEFT JOIN wrapped_keys w ON w.report_id = r.id AND w.message_id = r.id AND w.key_id = 'mailbox'
      WHERE r.mailbox_id = ?1 AND r.erased_day IS NULL`,
  )
    .bind(p.mailboxId, releaseClock(env.RELEASE_HOURS).last)
    .first<MailboxCase>();
  const signed = verifyProof(s, fromB64(s, p.signature), mailboxMessage(p.challenge, p.mailboxId, action), row ? fromB64(s, row.signPk) : DECOY_SIGN_PK);
  return check.ok && signed && row ? row : null;
}

mailboxApi.get('/challenge', rateLimited(() => 'mailbox:challenge'), async (c) => {
  const s = await loadSodium();
  return c.json({ challenge: issueChallenge(s, c.env.POW_SECRET, 0, nowSeconds(), MAILBOX) });
});

/** The case status and the messages the worker can read (replies and their own answers). */
mailboxApi.post('/thread', rateLimited(() => 'mailbox:thread'), limitBody(4 * 1024), zValidator('json', threadSchema, invalid), async (c) => {
  const s = await loadSodium();
  const p = c.req.valid('json');
  const found = await provenCase(c.env, s, p, 'thread');
  if (!found) return apiError(c, 404, 'case_not_found');
  const [thread, readers, readerList, reportBody] = await Promise.all([
    threadFor(c.env.DB, found.id, 'mailbox', null),
    readersOf(c.env.DB, found.facilityId, found.sendTo),
    getSignedReaderList(c.env.DB, found.facilityId),
    found.reportSealed ? getSealedText(c.env.DB, c.env.BLOBS, found.bodyKey) : Promise.resolve(null),
  ]);
  const messages = await Promise.all(
    thread
      .filter((m) => m.sealed)
      .map(async ({ bodyKey, authorKey: _authorKey, ...m }) => {
        return { ...m, body: await getSealedText(c.env.DB, c.env.BLOBS, bodyKey) };
      }),
  );
  return c.json({
    case: {
      id: found.id,
      facilityId: found.facilityId,
      sendTo: found.sendTo,
      // Each side the worker sent the case to, with its own status (src/domain/case-sides.ts).
      sides: sidesOf(found.sendTo).map((side) => ({ side, status: side === 'company' ? found.companyStatus : found.authorityStatus })),
      // The lead side's status (the company's unless the case went to the authority only), for clients written before sides.
      status: found.sendTo === 'authority' ? found.authorityStatus : found.companyStatus,
      receivedDay: found.receivedDay,
      eraseDay: eraseDayOf(c.env, found),
      held: found.holdReason !== null,
    },
    // What the worker sent, sealed to their own mailbox too: the page shows it, and takes from it who may read the case.
    report: found.reportSealed && reportBody ? { body: reportBody, sealed: found.reportSealed } : null,
    messages,
    sealTo: readers.map(({ keyId, boxPk }) => ({ keyId, boxPk })),
    // The page seals to, and trusts signatures of, readers on this list only once it checks the administrator's signature.
    readers: readerList,
  });
});

/**
 * The case's constancia (proof of filing), signed again: Ed25519 is deterministic, so it is the
 * same text the receipt screen showed. The page sends the receipt code's constancia key; a report
 * stored before constancias existed takes the check of the first key proven with its code, and
 * from then on no other key gets a signature. With it, the clocks the worker may show alongside.
 */
mailboxApi.post('/constancia', rateLimited(() => 'mailbox:constancia'), limitBody(4 * 1024), zValidator('json', constanciaSchema, invalid), async (c) => {
  const s = await loadSodium();
  const p = c.req.valid('json');
  const found = await provenCase(c.env, s, p, 'constancia');
  if (!found) return apiError(c, 404, 'case_not_found');
  const key = readConstanciaKey(s, p.key);
  if (!key) return apiError(c, 400, 'invalid');
  if (!c.env.CONSTANCIA_SIGN_SK) return apiError(c, 503, 'unavailable');
  const [, row] = await c.env.DB.batch([
    c.env.DB.prepare('UPDATE reports SET constancia_check = coalesce(constancia_check, ?2) WHERE id = ?1').bind(found.id, constanciaCheck(s, key)),
    c.env.DB.prepare(
      `SELECT r.constancia_check AS "check", r.first_reply_day AS firstReplyDay, a.day AS answerDay, f.ack_days AS ackDays, f.answer_days AS answerDays
         FROM reports r JOIN facilities f ON f.id = r.facility_id LEFT JOIN report_answers a ON a.report_id = r.id WHERE r.id = ?1`,
    ).bind(found.id),
  ]);
  const k = row!.results[0] as { check: string | null; firstReplyDay: string | null; answerDay: string | null; ackDays: number; answerDays: number };
  const constancia = issueConstancia(s, c.env, { facilityId: found.facilityId, day: found.receivedDay, reportId: found.id, key, check: k.check });
  if (!constancia) return apiError(c, 409, 'conflict');
  const today = mexicoDay();
  return c.json({
    constancia,
    clocks: {
      acknowledge: clockOutcome(found.receivedDay, k.firstReplyDay, k.ackDays, today),
      answer: clockOutcome(found.receivedDay, k.answerDay, k.answerDays, today),
    },
  });
});

/**
 * The worker closes and erases their own case (confirmed twice on the page): the same erasure as
 * retention's. A case on legal hold is erased as soon as the hold is lifted. After it, the code
 * opens nothing, exactly like a code that never existed.
 */
mailboxApi.post('/erase', rateLimited(() => 'mailbox:erase'), limitBody(4 * 1024), zValidator('json', threadSchema, invalid), async (c) => {
  const s = await loadSodium();
  const found = await provenCase(c.env, s, c.req.valid('json'), 'erase');
  if (!found) return apiError(c, 404, 'case_not_found');
  const outcome = await eraseCase(c.env.DB, found.id, mexicoDay());
  // Its evidence chunks (unreadable now: their keys went with the report) go from KV at once, not in a later run.
  if (outcome === 'erased') c.executionCtx.waitUntil(purgeErasedBlobs(c.env.DB, c.env.BLOBS, 300).catch(() => undefined));
  return c.json({ erased: outcome === 'erased', held: outcome === 'held' });
});

/** The worker's answer, sealed to the mailbox (so they can read it back) and to the case's readers. */
mailboxApi.post(
  '/messages',
  rateLimited(() => 'mailbox:answer'),
  limitBody(128 * 1024),
  zValidator('json', answerSchema, invalid),
  async (c) => {
    const s = await loadSodium();
    const p = c.req.valid('json');
    const found = await provenCase(c.env, s, p, `answer:${p.message.id}`);
    if (!found) return apiError(c, 404, 'case_not_found');
    const readers = await readersOf(c.env.DB, found.facilityId, found.sendTo);
    const envelope = readEnvelope(s, p.message.envelope, [['mailbox', ...readers.map((r) => r.keyId)]]);
    if (!envelope?.wellFormed) return apiError(c, 422, 'bad_envelope');
    const { body } = envelope;
    const files = p.message.attachments ?? [];
    if (files.length) {
      // Every file complete under this case's uploads, none twice, and the case's files within the cap.
      if (new Set(files.map((f) => f.id)).size !== files.length) return apiError(c, 422, 'attachment_incomplete');
      for (const f of files) if (!(await attachmentComplete(c.env.BLOBS, found.id, f.id, f.chunks))) return apiError(c, 422, 'attachment_incomplete');
      const duplicate = await c.env.DB.prepare('SELECT 1 FROM messages WHERE id = ?1').bind(p.message.id).first();
      if (!duplicate) {
        const stored = await storedFileCount(c.env.DB, found.id, files.map((f) => f.id));
        if (stored.taken) return apiError(c, 409, 'conflict');
        if (stored.count + files.length > ATTACHMENT_LIMITS.files) return apiError(c, 413, 'attachment_limit');
      }
    }
    const releaseAt = releaseClock(c.env.RELEASE_HOURS).next;
    const outcome = await storeMessage(s, c.env.DB, c.env.BLOBS, {
      reportId: found.id,
      id: p.message.id,
      kind: 'answer',
      authorRole: 'worker',
      authorKey: null,
      // Readers get the answer with the next release, dated by it, like a report.
      day: releaseDay(releaseAt),
      releaseAt,
      body,
      keys: p.message.envelope.keys,
      sendTo: found.sendTo,
      attachments: files,
    });
    // Copied to their permanent keys now; the daily job finishes a copy that fails (src/storage/uploads.ts).
    if (outcome === 'stored' && files.length) await keepAttachments(c.env.DB, c.env.BLOBS, found.id).catch((e) => console.error('keep attachments', e));
    return c.json({ id: p.message.id, duplicate: outcome === 'duplicate' }, outcome === 'stored' ? 201 : 200);
  },
);
