/**
 * @module Sending the daily digest: each active reader (monitor or official) with a notification
 * address gets one message a day through the send_email binding, with the number of new reports in
 * their scope and the audit chain's head at the end of yesterday.
 */
import { EmailMessage } from 'cloudflare:email';
import { addDays } from '../domain/case';
import { isPlainAddress, newMessageId } from '../email/mime';
import type { Env } from '../env';
import { mexicoDay, releaseClock } from '../lib/clock';
import { loadSodium } from '../lib/sodium';
import { auditHeadAt } from '../storage/audit';
import { dueDigests, markDigestSent } from '../storage/digests';
import { retentionPolicy } from '../domain/retention';
import { digestMessage } from './digest-message';

/** The local part the digest comes from, at EMAIL_DOMAIN; no facility may use it. */
export const DIGEST_SENDER = 'avisos';

/**
 * Sends every due digest; one failure does not stop the others. Throws at the end if any failed,
 * so the run shows as failed; running again sends only the ones still due.
 */
export async function sendDigests(env: Env, today = mexicoDay()): Promise<number> {
  const due = await dueDigests(env.DB, today, releaseClock(env.RELEASE_HOURS).last, retentionPolicy(env));
  if (due.length === 0) return 0;
  const s = await loadSodium();
  const from = `${DIGEST_SENDER}@${env.EMAIL_DOMAIN}`;
  const head = await auditHeadAt(env.DB, addDays(today, -1));
  let failed = 0;
  for (const d of due) {
    try {
      if (!isPlainAddress(d.address)) throw new Error('not a plain address');
      const raw = digestMessage({ from, to: d.address, count: d.count, answers: d.answers, erasing: d.erasing, overdue: d.overdue, origin: env.PUBLIC_ORIGIN, auditHead: { day: head.day, hash: head.hash }, messageId: newMessageId(s, env.EMAIL_DOMAIN) });
      await env.MAILER.send(new EmailMessage(from, d.address, raw));
      await markDigestSent(env.DB, d.keyId, today);
    } catch {
      failed++; // the error may name the address: not logged
    }
  }
  if (failed) throw new Error(`${failed} of ${due.length} digests not sent`);
  return due.length;
}
