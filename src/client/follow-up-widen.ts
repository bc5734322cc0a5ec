/**
 * @module "Quiero que también lo lea la autoridad laboral": the worker sends their case to the
 * labor authority too (src/domain/case-sides.ts REFERRAL). Asked twice: the first press says what
 * happens and that it cannot be undone, the second sends. The page opens, with the mailbox key,
 * every content key the mailbox holds (the report's, the replies', the worker's answers'; the files'
 * keys are inside those), seals each to the officials of the plant's jurisdiction exactly as the
 * report form picks them (the server's active keys must be the administrator's signed list), and
 * sends only the sealed keys with a single-use mailbox proof and the worker's signed consent. It
 * takes effect at the next release, for both sides at once (src/storage/held-actions.ts); the page
 * says so from the moment it is recorded.
 */
import { fromB64, listedRecipients, resealKey, signProof, toB64, verifyProof, wideningMessage, type MailboxKeys, type Sodium } from '../crypto';
import { canWiden, REFERRAL } from '../domain/case-sides';
import type { MailboxThread, MailboxWidened } from '../contract/responses';
import { servedAsSigned, trustedReaderList } from './admin-key';
import { recipientsFor } from './report-recipients';
import { $, ApiProblem, formatDay, msg, requestJson } from './page';

type Proof = (action: string) => Promise<{ mailboxId: string; challenge: string; signature: string }>;
type Open = () => { thread: MailboxThread; mailbox: MailboxKeys; widened: boolean } | null;

/** Whether the worker's consent to the widening, as the server keeps it, is signed with this mailbox's key. */
export function consentVerifies(s: Sodium, thread: MailboxThread, mailboxSignPk: Uint8Array): boolean {
  const consent = thread.case.widenedConsent;
  if (!consent) return false;
  try {
    return verifyProof(s, fromB64(s, consent), wideningMessage(thread.case.id, thread.case.facilityId, REFERRAL.to), mailboxSignPk);
  } catch {
    return false;
  }
}

/** The content keys the mailbox holds for the case, each sealed to every official. */
function sealedForOfficials(s: Sodium, thread: MailboxThread, mailbox: MailboxKeys, officials: Array<{ keyId: string; boxPublicKey: Uint8Array }>) {
  const held = [
    { messageId: thread.case.id, sealed: thread.report!.sealed },
    ...thread.messages.filter((m) => m.sealed).map((m) => ({ messageId: m.id, sealed: m.sealed! })),
  ];
  return officials.map((o) => ({
    to: o.keyId,
    keys: held.flatMap((k) => {
      try {
        return [{ messageId: k.messageId, sealed: toB64(s, resealKey(s, fromB64(s, k.sealed), mailbox.box, o.boxPublicKey)) }];
      } catch {
        return []; // a key that does not open with the mailbox is not the worker's to give
      }
    }),
  }));
}

/** Shows the section for the open case, and wires its button once; `done` reloads the case after sending. */
let armed = false;

export function caseWiden(s: Sodium, lang: 'es' | 'en', proof: Proof, open: Open, done: () => Promise<void>) {
  let busy = false;
  const button = $<HTMLButtonElement>('widen-button');
  const status = $('widen-status');
  button.addEventListener('click', async () => {
    const o = open();
    if (!o || busy) return;
    if (!armed) {
      armed = true;
      $('widen-confirm').hidden = false;
      button.textContent = msg('followup.widen_confirm');
      status.textContent = '';
      $('widen-confirm').focus();
      return;
    }
    busy = true;
    button.disabled = true;
    status.textContent = msg('followup.widen_working');
    try {
      const { thread, mailbox } = o;
      if (!thread.report) throw new ApiProblem(msg('followup.widen_unavailable'), 0, 'invalid');
      // The officials as the administrator signed them, and only if the server's active keys are exactly those.
      const served = await recipientsFor(thread.case.facilityId, lang);
      const list = trustedReaderList(s, served.readers, thread.case.facilityId);
      const officials = list ? listedRecipients(s, list, ['official']) : [];
      if (!list || !servedAsSigned(served.official, officials)) throw new ApiProblem(msg('errors.readers_unverified'), 0, 'readers_unverified');
      if (!officials.length) throw new ApiProblem(msg('followup.widen_none'), 0, 'no_recipients');
      const readers = sealedForOfficials(s, thread, mailbox, officials);
      const consent = toB64(s, signProof(s, wideningMessage(thread.case.id, thread.case.facilityId, REFERRAL.to), mailbox.sign.privateKey));
      const result = await requestJson<MailboxWidened>(`/api/mailbox/widen?lang=${lang}`, { body: { ...(await proof(REFERRAL.action)), consent, readers } });
      armed = false;
      await done();
      status.textContent = msg('followup.widen_done', releaseWords(result.authorityRelease, lang));
      status.focus();
    } catch (error) {
      status.textContent = error instanceof ApiProblem ? error.message : msg('followup.network');
    } finally {
      busy = false;
      button.disabled = false;
    }
  });
}

/** The day and hour of a release ("YYYY-MM-DDTHH"), as the page says them. */
const releaseWords = (release: string, lang: 'es' | 'en') => ({ day: formatDay(release.slice(0, 10), lang), hour: `${Number(release.slice(11, 13))}:00` });

/**
 * Shows the section (or what was done) for the case on screen. A widening waiting for its release
 * says so: until then the case reads as before for every reader, and on this page too.
 */
export function showWiden(thread: MailboxThread, widened: boolean, lang: 'es' | 'en') {
  const waiting = widened && !!thread.case.widenAt;
  const can = canWiden(thread.case.sendTo) && !thread.case.widenAt && !thread.case.widenedConsent && !!thread.report;
  armed = false;
  $('widen').hidden = !can;
  $('widen-confirm').hidden = true;
  $<HTMLButtonElement>('widen-button').textContent = msg('followup.widen_button');
  $('widened').hidden = !widened;
  $('widened').textContent = waiting ? msg('followup.widen_pending', releaseWords(thread.case.widenAt!, lang)) : msg('followup.widened');
}

/** Opens the section from a monitor's request in the thread. */
export function focusWiden() {
  const section = $('widen');
  if (section.hidden) return;
  section.scrollIntoView();
  $<HTMLButtonElement>('widen-button').focus();
}
