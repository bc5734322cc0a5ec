/**
 * @module The worker keeps their case longer from the follow-up page: "Guardar otros 180 días",
 * signed with the case mailbox key (action "keep"), repeatable. The page then shows the new day.
 */
import type { MailboxKept } from '../contract/responses';
import { KEEP_DAYS } from '../domain/retention';
import { $, ApiProblem, formatDay, msg, requestJson } from './page';

type Proof = (action: string) => Promise<{ mailboxId: string; challenge: string; signature: string }>;

/** Shows the control while the case has an erase day (not on hold). */
export function showKeep(eraseDay: string | null, held: boolean) {
  $('keep').hidden = held || !eraseDay;
  $('keep-status').textContent = '';
}

/** Wires the button; `open` says whether a case is open, `kept` shows the case's new erase day. */
export function caseKeep(lang: 'es' | 'en', proof: Proof, open: () => boolean, kept: (eraseDay: string | null, held: boolean) => void) {
  const button = $<HTMLButtonElement>('keep-case');
  button.textContent = msg('followup.keep_button', { days: KEEP_DAYS });
  const status = $('keep-status');
  button.addEventListener('click', async () => {
    if (!open() || button.disabled) return;
    button.disabled = true;
    try {
      const result = await requestJson<MailboxKept>(`/api/mailbox/keep?lang=${lang}`, { body: await proof('keep') });
      kept(result.eraseDay, result.held);
      status.textContent = result.eraseDay ? msg('followup.kept', { day: formatDay(result.eraseDay, lang) }) : '';
    } catch (error) {
      status.textContent = error instanceof ApiProblem ? error.message : msg('followup.network');
    } finally {
      button.disabled = false;
    }
  });
}
