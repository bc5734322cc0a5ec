/**
 * @module The worker's side of a case, reached only with the receipt code: the phone derives the
 * case mailbox keys and signs each request. A wrong code and a case that does not exist get the
 * same answer after the same work, so nothing tells whether a case exists.
 */
import { zValidator } from '@hono/zod-validator';
import { invalid } from '../lib/validate';
import { Hono } from 'hono';
import { issueChallenge } from '../lib/challenge';
import { mexicoDay, nowSeconds, releaseClock } from '../lib/clock';
import { releaseDay } from '../domain/release';
import { eraseDay, retentionPolicy } from '../domain/retention';
import type { Status } from '../domain/case';
import { caseClocks } from '../domain/clocks';
import { issueConstancia, readConstanciaKey } from '../lib/constancia';
import { constanciaCheck } from '../crypto';
import { leadSide, sidesOf, workerSendTo, type Side } from '../domain/case-sides';
import { requestErase } from '../storage/erase-request';
import { apiError, type AppEnv } from '../lib/http';
import { loadSodium } from '../lib/sodium';
import { getSealedText } from '../storage/blobs';
import { getFacility } from '../storage/facilities';
import { keepConstanciaCheck, type MailboxCase } from '../storage/mailbox-cases';
import { messageExists, storeMessage, threadFor } from '../storage/messages';
import { getSignedReaderList } from '../storage/reader-lists';
import { readersOf } from '../storage/recipients';
import { readEnvelope } from '../lib/envelope-check';
import { answerSchema, constanciaSchema, threadSchema } from '../contract/mailbox';
import type { MailboxChallenge, MailboxConstancia, MailboxErased, MailboxThread, MessageStored } from '../contract/responses';
import { limitBody } from '../lib/body-limit';
import { rateLimited } from '../lib/rate-limit';
import { ATTACHMENT_LIMITS } from '../domain/attachment';
import { attachmentComplete, keepAttachments, storedFileCount } from '../storage/uploads';
import { MAILBOX, provenCase, spendProof } from './mailbox-proof';

export const mailboxApi = new Hono<AppEnv>();


/** A side's status: null only for a side the case was not sent to (src/storage/case-sides.ts), never one of sidesOf(sendTo). */
const statusOf = (k: MailboxCase, side: Side) => (side === 'company' ? k.companyStatus : k.authorityStatus) as Status;

/** When the case will be erased if nothing changes (null while on hold), for the worker to see. */
const eraseDayOf = (env: AppEnv['Bindings'], k: MailboxCase) =>
  eraseDay(
    { closedDay: k.closedDay, lastActivityDay: k.lastActivityDay, receivedDay: k.receivedDay, held: k.holdReason !== null, keepUntil: k.keepUntil },
    retentionPolicy(env, { closedDays: k.retentionClosedDays, idleDays: k.retentionIdleDays }),
  );

mailboxApi.get('/challenge', rateLimited(() => 'mailbox:challenge'), async (c) => {
  const s = await loadSodium();
  return c.json({ challenge: issueChallenge(s, c.env.POW_SECRET, 0, nowSeconds(), MAILBOX) } satisfies MailboxChallenge);
});

/** The case status and the messages the worker can read (replies and their own answers). */
mailboxApi.post('/thread', rateLimited(() => 'mailbox:thread'), limitBody(4 * 1024), zValidator('json', threadSchema, invalid), async (c) => {
  const s = await loadSodium();
  const p = c.req.valid('json');
  const found = await provenCase(c.env, s, p, 'thread');
  if (!found) return apiError(c, 404, 'case_not_found');
  const [thread, readers, readerList, reportBody] = await Promise.all([
    threadFor(c.env.DB, found.id, 'mailbox', null),
    readersOf(c.env.DB, found.facilityId, workerSendTo(found.sendTo, found.widenAt)),
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
      sides: sidesOf(found.sendTo).map((side) => ({ side, status: statusOf(found, side) })),
      // The lead side's status (the company's unless the case went to the authority only), for clients written before sides.
      status: statusOf(found, leadSide(found.sendTo)),
      receivedDay: found.receivedDay,
      eraseDay: eraseDayOf(c.env, found),
      held: found.holdReason !== null,
      widenedConsent: found.widenedConsent,
      widenAt: found.widenAt,
    },
    // What the worker sent, sealed to their own mailbox too: the page shows it, and takes from it who may read the case.
    report: found.reportSealed && reportBody ? { body: reportBody, sealed: found.reportSealed } : null,
    messages,
    sealTo: readers.map(({ keyId, boxPk }) => ({ keyId, boxPk })),
    // The page seals to, and trusts signatures of, readers on this list only once it checks the administrator's signature.
    readers: readerList,
  } satisfies MailboxThread);
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
  const k = await keepConstanciaCheck(c.env.DB, found.id, constanciaCheck(s, key));
  const constancia = issueConstancia(s, c.env, { facilityId: found.facilityId, day: found.receivedDay, reportId: found.id, key, check: k.check });
  if (!constancia) return apiError(c, 409, 'conflict');
  const today = mexicoDay();
  const facility = await getFacility(c.env.DB, found.facilityId);
  return c.json({ constancia, facilityName: facility?.name ?? null, clocks: caseClocks(k.clockFacts, k.deadlines, today) } satisfies MailboxConstancia);
});

/**
 * The worker closes and erases their own case (confirmed twice on the page): the same erasure as
 * retention's. From now on the code opens nothing, exactly like a code that never existed; readers
 * lose the case at the next release, like every other worker action, so the console never shows
 * the minute it was asked (src/storage/erase-request.ts). A case on legal hold is erased as soon
 * as the hold is lifted.
 */
mailboxApi.post('/erase', rateLimited(() => 'mailbox:erase'), limitBody(4 * 1024), zValidator('json', threadSchema, invalid), async (c) => {
  const s = await loadSodium();
  const p = c.req.valid('json');
  const found = await provenCase(c.env, s, p, 'erase');
  if (!found) return apiError(c, 404, 'case_not_found');
  if (!(await spendProof(c.env, s, p.challenge))) return apiError(c, 409, 'pow_replayed');
  const outcome = await requestErase(c.env.DB, found.id, releaseClock(c.env.RELEASE_HOURS).next);
  return c.json({ erased: outcome === 'erased', held: outcome === 'held' } satisfies MailboxErased);
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
    const readers = await readersOf(c.env.DB, found.facilityId, workerSendTo(found.sendTo, found.widenAt));
    const envelope = readEnvelope(s, p.message.envelope, [['mailbox', ...readers.map((r) => r.keyId)]]);
    if (!envelope?.wellFormed) return apiError(c, 422, 'bad_envelope');
    const { body } = envelope;
    const files = p.message.attachments ?? [];
    if (files.length) {
      // Every file complete under this case's uploads, none twice, and the case's files within the cap.
      if (new Set(files.map((f) => f.id)).size !== files.length) return apiError(c, 422, 'attachment_incomplete');
      for (const f of files) if (!(await attachmentComplete(c.env.BLOBS, found.id, f.id, f.chunks))) return apiError(c, 422, 'attachment_incomplete');
      if (!(await messageExists(c.env.DB, p.message.id))) {
        const stored = await storedFileCount(c.env.DB, found.id, files.map((f) => f.id));
        if (stored.taken) return apiError(c, 409, 'conflict');
        if (stored.count + files.length > ATTACHMENT_LIMITS.files) return apiError(c, 413, 'attachment_limit');
      }
    }
    // A proof sends one answer: replayed, it is refused; a retry signs a fresh challenge (and gets `duplicate`).
    if (!(await spendProof(c.env, s, p.challenge))) return apiError(c, 409, 'pow_replayed');
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
    return c.json({ id: p.message.id, duplicate: outcome === 'duplicate' } satisfies MessageStored, outcome === 'stored' ? 201 : 200);
  },
);
