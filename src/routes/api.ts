/**
 * @module The reporter API: a proof-of-work challenge, a facility's recipient keys, and the
 * submission of an encrypted report.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono, type Context } from 'hono';
import { checkWork, constanciaCheck, type Sodium } from '../crypto';
import { sealedBodyDigest } from '../crypto/digest';
import { issueConstancia, readConstanciaKey } from '../lib/constancia';
import { rolesFor } from '../domain/report';
import { issueChallenge, powBits, verifyChallenge } from '../lib/challenge';
import { attachmentComplete, keepAttachments } from '../storage/uploads';
import { mexicoDay, nowSeconds, releaseClock } from '../lib/clock';
import { releaseDay, releaseHour } from '../domain/release';
import { priceFrom, priceStatements, volumePaidBy } from '../lib/price';
import { apiError, type AppEnv } from '../lib/http';
import { loadSodium } from '../lib/sodium';
import { getFacility } from '../storage/facilities';
import { getSignedReaderList } from '../storage/reader-lists';
import { spentNonceStatement } from '../storage/spent-challenges';
import { activeRecipientsFor, type RecipientKey } from '../storage/recipients';
import { readEnvelope } from '../lib/envelope-check';
import { findReport, intakeLookup, storeReport, type NewReport, type StoredReportRef } from '../storage/reports';
import { MAX_SUBMISSION_BYTES, MAX_WEB_BODY_BYTES, submissionSchema, type Submission } from '../contract/submission';
import type { FacilityRecipients, PowChallenge, ReportAccepted } from '../contract/responses';
import { limitBody } from '../lib/body-limit';
import { rateLimited } from '../lib/rate-limit';
import { invalidNamingFields } from '../lib/validate';

export const api = new Hono<AppEnv>();

/** A challenge for one report at one facility, as hard as the facility's (and the country's) recent volume asks. */
api.get('/challenge', rateLimited(() => 'challenge'), async (c) => {
  const id = c.req.query('facility') ?? '';
  if (!/^[a-z0-9-]{1,64}$/.test(id)) return apiError(c, 400, 'invalid', ['facility']);
  const facility = await getFacility(c.env.DB, id);
  if (!facility) return apiError(c, 404, 'unknown_facility');
  const bits = priceFrom(c.env, await c.env.DB.batch(priceStatements(c.env, facility.id)));
  const s = await loadSodium();
  return c.json({ challenge: issueChallenge(s, c.env.POW_SECRET, bits, nowSeconds(), { purpose: 'report', facility: facility.id }), bits } satisfies PowChallenge);
});

api.get('/facilities/:id/recipients', rateLimited(() => 'recipients'), async (c) => {
  const facility = await getFacility(c.env.DB, c.req.param('id'));
  if (!facility) return apiError(c, 404, 'unknown_facility');
  const [keys, readers] = await Promise.all([activeRecipientsFor(c.env.DB, facility.id), getSignedReaderList(c.env.DB, facility.id)]);
  const pick = (role: string) => keys.filter((k) => k.role === role).map(({ keyId, boxPk }) => ({ keyId, boxPk }));
  // `readers` is the administrator's signed list: the form seals to it, and refuses when the keys above differ from it.
  return c.json({ facility: { id: facility.id, name: facility.name }, monitor: pick('monitor'), official: pick('official'), readers } satisfies FacilityRecipients);
});

api.post(
  '/reports',
  limitBody(MAX_SUBMISSION_BYTES),
  zValidator('json', submissionSchema, invalidNamingFields),
  async (c) => {
    const sub = c.req.valid('json');
    const s = await loadSodium();
    const challenge = sub.pow ? verifyChallenge(s, c.env.POW_SECRET, sub.pow.challenge, nowSeconds(), { purpose: 'report', facility: sub.facility }) : null;
    const nonce = challenge?.ok ? challenge.claims.nonce : '';
    const worked = !!(sub.pow && challenge?.ok && checkWork(s, sub.pow.challenge, sub.reportId, sub.pow.counter, Math.max(challenge.claims.bits, powBits(c.env))));
    // The receipt code's constancia key: the proof of filing is signed with it, and only its check is kept.
    const constanciaKey = readConstanciaKey(s, sub.constancia?.key);
    const badConstancia = !!sub.constancia && !constanciaKey;
    const check = constanciaKey ? constanciaCheck(s, constanciaKey) : null;
    // Most submissions are valid work on a first try: stored in one D1 round trip, whose first
    // statement checks what the path below reads first (the nonce unspent, the work at today's
    // price, the plant's keys); any of it failing writes no row. Anything else (a retry, a replay,
    // a stale price, keys that changed, a bad envelope) takes the path below, which names the reason.
    // With files it takes the path below: checking that every chunk arrived costs KV reads, which a
    // replayed token must not get before the limit does (the one-trip guard refuses a spent nonce
    // only inside the write).
    if (worked && challenge?.ok && !badConstancia && !sub.attachments?.length) {
      const report = await storeInOneTrip(c, s, sub, { nonce, expires: challenge.claims.expires, bits: challenge.claims.bits }, check);
      if (report) return answerStored(c, s, report, constanciaKey);
    }
    // Work pays once, at today's price: one read, before any row is written, says whether its nonce
    // is spent and what the plant's work costs now (a token stocked while the plant was quiet pays no flood).
    const { spent, price } = worked ? await spentAndPrice(c, nonce, sub.facility) : { spent: false, price: 0 };
    const paid = worked && !spent;
    // Only submissions without valid unspent work are limited, before they cost a write: a paid report
    // never meets the limit (no flood can shut a plant's channel), and a genuine worker's first send
    // never counts towards it (so the counter tells a prober nothing about who else reported). A
    // replayed nonce counts, and so does a genuine retry of a stored report (answered below, unwritten).
    if (!paid && !(await c.env.PUBLIC_LIMIT.limit({ key: 'report:unpaid' })).success) return apiError(c, 429, 'busy');
    if (paid && challenge?.ok && challenge.claims.bits < price) return staleWork(c, s, sub.facility, price);
    if (badConstancia) return apiError(c, 400, 'invalid', ['constancia.key']);
    const lookup = await intakeLookup(c.env.DB, { facilityId: sub.facility, reportId: sub.reportId, mailboxId: sub.mailbox.id, challengeNonce: nonce });
    const { facility, existing } = lookup;
    if (!facility) return apiError(c, 422, 'unknown_facility');

    // Since format 2 the form seals the report to the worker's own mailbox too; older clients do not.
    const expected = expectedKeys(lookup.recipients, facility.recoveryKeyId, sub);
    const envelope = readEnvelope(s, sub.envelope, expected ? [expected, [...expected, 'mailbox']] : [], MAX_WEB_BODY_BYTES);
    if (!envelope) return apiError(c, 422, 'bad_envelope', ['envelope.body']);
    const { body } = envelope;
    const bodyDigest = sealedBodyDigest(s, body);

    // A retry of a report already stored gets the same answer, before the single-use work is checked again.
    if (existing) return answerRetry(c, s, existing, facility.id, bodyDigest, constanciaKey);

    if (!sub.pow || !challenge) return apiError(c, 403, 'pow_missing');
    if (!challenge.ok) return apiError(c, 403, challenge.reason);
    if (!worked) return apiError(c, 403, 'pow_invalid'); // the work, checked once above
    if (spent || lookup.challengeSpent) return apiError(c, 409, 'pow_replayed');
    // A token that paid another report's evidence is that report's (src/storage/uploads.ts).
    if (lookup.challengeClaimedBy && lookup.challengeClaimedBy !== sub.reportId) return apiError(c, 409, 'pow_replayed');

    if (!expected) return apiError(c, 422, 'no_recipients');
    if (!envelope.wellFormed) return apiError(c, 422, 'bad_envelope', ['envelope']);
    if (lookup.mailboxTaken) return apiError(c, 409, 'conflict');
    if (!(await attachmentsComplete(c.env.BLOBS, sub))) return apiError(c, 422, 'attachment_incomplete');

    const report = newReport(sub, body, bodyDigest, { nonce, expires: challenge.claims.expires }, releaseClock(c.env.RELEASE_HOURS).next, check);
    try {
      await storeReport(s, c.env.DB, c.env.BLOBS, report);
    } catch (error) {
      // A racing copy of this submission, or a racing replay of its challenge, fails the whole batch.
      const raced = await findReport(c.env.DB, sub.reportId);
      if (raced) return answerRetry(c, s, raced, facility.id, bodyDigest, constanciaKey);
      if ((await intakeLookup(c.env.DB, { facilityId: facility.id, reportId: sub.reportId, mailboxId: sub.mailbox.id, challengeNonce: nonce })).challengeSpent) {
        return apiError(c, 409, 'pow_replayed');
      }
      throw error;
    }
    return answerStored(c, s, report, constanciaKey);
  },
);

type Spend = { nonce: string; expires: number };

/** Whether a nonce is spent, and the plant's price now, in one D1 read. */
async function spentAndPrice(c: Context<AppEnv>, nonce: string, facilityId: string): Promise<{ spent: boolean; price: number }> {
  const [spent, ...volume] = await c.env.DB.batch([spentNonceStatement(c.env.DB, nonce), ...priceStatements(c.env, facilityId)]);
  return { spent: spent!.results.length > 0, price: priceFrom(c.env, volume) };
}

/**
 * Work issued below the plant's price now (the price rose at a release since): refused, nothing
 * written, with a fresh challenge at today's price; the form solves it and sends the same bytes.
 */
async function staleWork(c: Context<AppEnv>, s: Sodium, facilityId: string, bits: number) {
  const fresh = { challenge: issueChallenge(s, c.env.POW_SECRET, bits, nowSeconds(), { purpose: 'report', facility: facilityId }), bits } satisfies PowChallenge;
  return apiError(c, 409, 'pow_stale', undefined, { challenge: fresh });
}

/** The report to store, stamped with the next release rather than the hour it came in: readers get it with its whole batch. */
function newReport(sub: Submission, body: Uint8Array, bodyDigest: string, spend: Spend, releaseAt: string, constanciaCheck: string | null): NewReport {
  return {
    id: sub.reportId,
    facilityId: sub.facility,
    channel: 'web',
    sendTo: sub.sendTo,
    categories: sub.categories,
    receivedDay: releaseDay(releaseAt),
    releaseAt,
    mailbox: sub.mailbox,
    body,
    bodyDigest,
    keys: sub.envelope.keys,
    spends: { nonce: spend.nonce, expiresDay: mexicoDay(new Date(spend.expires * 1000)) },
    attachments: sub.attachments ?? [],
    constanciaCheck,
  };
}

/**
 * A paid submission without files in one D1 round trip: what the full path looks up first is checked inside the
 * write's own batch (src/storage/intake-guard.ts). Null when the body is not plainly well formed or
 * the batch refuses it; nothing is written then.
 */
async function storeInOneTrip(c: Context<AppEnv>, s: Sodium, sub: Submission, spend: Spend & { bits: number }, check: string | null): Promise<NewReport | null> {
  // Which keys it must be sealed to is checked inside the batch; here only that each is named once.
  const envelope = readEnvelope(s, sub.envelope, 'distinct', MAX_WEB_BODY_BYTES);
  if (!envelope?.wellFormed) return null;
  const { body } = envelope;
  const ids = sub.envelope.keys.map((k) => k.keyId);
  const report = newReport(sub, body, sealedBodyDigest(s, body), spend, releaseClock(c.env.RELEASE_HOURS).next, check);
  const expect = {
    facilityId: sub.facility,
    reportId: sub.reportId,
    roles: rolesFor(sub.sendTo),
    keyIds: ids.filter((id) => id !== 'mailbox'),
    nonce: spend.nonce,
    pays: volumePaidBy(c.env, spend.bits),
  };
  try {
    await storeReport(s, c.env.DB, c.env.BLOBS, report, expect);
    return report;
  } catch {
    return null;
  }
}

async function attachmentsComplete(blobs: KVNamespace, sub: Submission): Promise<boolean> {
  for (const a of sub.attachments ?? []) if (!(await attachmentComplete(blobs, sub.reportId, a.id, a.chunks))) return false;
  return true;
}

/** A first store: its chunks become permanent now. If a copy fails the report is still stored
 * (readers fall back to the upload keys) and the daily job finishes it well before the upload TTL. */
async function answerStored(c: Context<AppEnv>, s: Sodium, r: NewReport, key: Uint8Array | null) {
  if (r.attachments?.length) await keepAttachments(c.env.DB, c.env.BLOBS, r.id).catch((e) => console.error('keep attachments', e));
  // The proof of filing carries the release day only, which this answer already tells: no time of day.
  const constancia = key ? issueConstancia(s, c.env, { facilityId: r.facilityId, day: r.receivedDay, reportId: r.id, key, check: r.constanciaCheck ?? null }) : null;
  return c.json({ reportId: r.id, receivedDay: r.receivedDay, release: releaseInfo(r.releaseAt), duplicate: false, constancia } satisfies ReportAccepted, 201);
}

/** When readers get the report: its release day and hour, for the receipt screen. */
const releaseInfo = (releaseAt: string) => ({
  at: releaseAt,
  day: releaseDay(releaseAt),
  hour: releaseHour(releaseAt),
  relative: releaseDay(releaseAt) === mexicoDay() ? ('today' as const) : ('tomorrow' as const),
});

/**
 * The same answer as the first time for a true retry; a conflict for different bytes under a used
 * id. Its constancia is the first one again, byte for byte, and only for the key first sent.
 */
function answerRetry(c: Context<AppEnv>, s: Sodium, stored: StoredReportRef, facilityId: string, bodyDigest: string, key: Uint8Array | null) {
  if (stored.bodyDigest !== bodyDigest || stored.facilityId !== facilityId) return apiError(c, 409, 'conflict');
  const constancia = key ? issueConstancia(s, c.env, { facilityId, day: stored.receivedDay, reportId: stored.id, key, check: stored.constanciaCheck }) : null;
  return c.json({ reportId: stored.id, receivedDay: stored.receivedDay, release: releaseInfo(stored.releaseAt), duplicate: true, constancia } satisfies ReportAccepted, 200);
}

/**
 * The keys a report must be sealed to: the facility's active keys for the roles the worker chose,
 * plus its recovery key when the monitor is one of them (the case mailbox may come on top, see
 * above). Null when a chosen role has no active key.
 */
function expectedKeys(active: RecipientKey[], recoveryKeyId: string | null, sub: Submission): string[] | null {
  const roles = rolesFor(sub.sendTo);
  if (roles.some((role) => !active.some((k) => k.role === role))) return null;
  // A plant's recovery key gets every report its monitors get (src/crypto/recovery.ts), never one for the authority alone.
  const recovery = recoveryKeyId && roles.includes('monitor') ? [recoveryKeyId] : [];
  return [...active.filter((k) => roles.includes(k.role)).map((k) => k.keyId), ...recovery];
}
