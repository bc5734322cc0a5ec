/**
 * @module The worker sends their case to the labor authority too (src/domain/case-sides.ts
 * REFERRAL): the follow-up page opens the content keys the case mailbox holds (the report's, the
 * replies', the worker's answers'), seals them to the officials of the plant's jurisdiction as the
 * administrator's signed list names them, and sends only the sealed keys, with a single-use
 * mailbox proof and the worker's signed consent. The server checks the scope (each key an active
 * official of the plant's state or national, on the signed list with the same key, and all of
 * them) and records the widening for the next release (src/storage/referral.ts): then, and not
 * before, the case is widened for both sides at once and audited (src/storage/held-actions.ts), so
 * no reader learns when the worker acted. Officials get it at that release, as a new case. A refusal
 * writes nothing at all: no audit entry with the minute of a worker's attempt, nothing a replay adds to.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { fromB64, verifyProof, verifyReaderList, wideningMessage } from '../crypto';
import { canWiden, REFERRAL } from '../domain/case-sides';
import { releaseClock } from '../lib/clock';
import { limitBody } from '../lib/body-limit';
import { apiError, type AppEnv } from '../lib/http';
import { rateLimited } from '../lib/rate-limit';
import { loadSodium } from '../lib/sodium';
import { invalid } from '../lib/validate';
import { widenSchema } from '../contract/mailbox';
import type { MailboxWidened } from '../contract/responses';
import { getSignedReaderList } from '../storage/reader-lists';
import { readersOf } from '../storage/recipients';
import { challengeSpent, mailboxKeyIds, recordWidening } from '../storage/referral';
import { challengeToSpend, provenCase } from './mailbox-proof';

export const mailboxReferralApi = new Hono<AppEnv>();

mailboxReferralApi.post(
  '/widen',
  rateLimited(() => 'mailbox:widen'),
  limitBody(1024 * 1024),
  zValidator('json', widenSchema, invalid),
  async (c) => {
    const s = await loadSodium();
    const p = c.req.valid('json');
    const found = await provenCase(c.env, s, p, REFERRAL.action);
    if (!found) return apiError(c, 404, 'case_not_found');
    // The challenge may expire between the proof check and here: the same answer as any stale proof, never a 500.
    const spend = challengeToSpend(c.env, s, p.challenge);
    if (!spend) return apiError(c, 404, 'case_not_found');
    if (await challengeSpent(c.env.DB, spend.nonce)) return apiError(c, 409, 'pow_replayed');
    const authorityRelease = releaseClock(c.env.RELEASE_HOURS).next;
    if (!canWiden(found.sendTo) || found.widenedConsent) {
      // Recorded or sent already (a retry after a lost answer): nothing to do. Sent to the authority from the start: nothing to widen.
      if (found.widenedConsent)
        return c.json({ sendTo: REFERRAL.to, authorityRelease: found.widenAt ?? authorityRelease, readers: 0, duplicate: true } satisfies MailboxWidened);
      return apiError(c, 409, 'conflict');
    }
    if (!verifyProof(s, fromB64(s, p.consent), wideningMessage(found.id, found.facilityId, REFERRAL.to), fromB64(s, found.signPk)))
      return apiError(c, 422, 'invalid');

    // The officials of the plant's jurisdiction, active as D1 has them now …
    const officials = await readersOf(c.env.DB, found.facilityId, 'authority');
    let list = null;
    try {
      list = verifyReaderList(s, await getSignedReaderList(c.env.DB, found.facilityId), fromB64(s, c.env.ADMIN_SIGN_PK ?? ''), found.facilityId);
    } catch {
      list = null;
    }
    // … and on the administrator's signed list with the same key: a row written behind the administrator's back gets nothing.
    const listed = officials.filter((o) => list?.readers.some((r) => r.keyId === o.keyId && r.recipient && r.role === 'official' && r.boxPk === o.boxPk));
    for (const r of p.readers) {
      if (!officials.some((o) => o.keyId === r.to)) return apiError(c, 403, 'share_out_of_scope');
      if (!listed.some((o) => o.keyId === r.to)) return apiError(c, 403, 'readers_unverified');
    }
    // All of them: an official left out could not open what the others can.
    if (!listed.length) return apiError(c, 409, 'no_recipients');
    if (listed.some((o) => !p.readers.some((r) => r.to === o.keyId))) return apiError(c, 422, 'readers_unverified');

    // Only keys the mailbox holds for this case, and the report's own for each official.
    const held = await mailboxKeyIds(c.env.DB, found.id);
    for (const r of p.readers) {
      if (!r.keys.some((k) => k.messageId === found.id)) return apiError(c, 422, 'invalid');
      if (r.keys.some((k) => !held.has(k.messageId))) return apiError(c, 403, 'forbidden');
    }

    let outcome: 'recorded' | 'already';
    try {
      outcome = await recordWidening(c.env.DB, { reportId: found.id, readers: p.readers, consent: p.consent, authorityRelease, spends: spend });
    } catch (error) {
      // Two requests with one proof racing: the second one's batch fails on the spent challenge.
      if (await challengeSpent(c.env.DB, spend.nonce)) return apiError(c, 409, 'pow_replayed');
      throw error;
    }
    // The audit entry is written by the release step that widens the case, with the officials' keys it holds then.
    return c.json(
      { sendTo: REFERRAL.to, authorityRelease, readers: p.readers.length, duplicate: outcome === 'already' } satisfies MailboxWidened,
      outcome === 'recorded' ? 201 : 200,
    );
  },
);
