/**
 * @module The worker erases their own case from the follow-up page, asked twice: the first press
 * explains, the second erases (signed with the case mailbox key, action "erase").
 */
import type { MailboxErased } from '../contract/responses';
import { $, ApiProblem, msg, requestJson } from './page';

type Proof = (action: string) => Promise<{ mailboxId: string; challenge: string; signature: string }>;

/** Wires the erase button; `open` says whether a case is open, `erased` closes the page's case after it. */
export function caseErase(lang: string, proof: Proof, open: () => boolean, erased: () => void) {
  let armed = false;
  const button = $<HTMLButtonElement>('erase-case');
  const status = $('erase-status');
  button.addEventListener('click', async () => {
    if (!open()) return;
    if (!armed) {
      armed = true;
      button.textContent = msg('followup.erase_confirm');
      status.textContent = msg('followup.erase_confirm_hint');
      return;
    }
    button.disabled = true;
    try {
      const result = await requestJson<MailboxErased>(`/api/mailbox/erase?lang=${lang}`, { body: await proof('erase') });
      if (result.erased) {
        status.textContent = '';
        erased();
      } else status.textContent = msg('followup.erase_waits');
    } catch (error) {
      status.textContent = error instanceof ApiProblem ? error.message : msg('followup.network');
    } finally {
      button.disabled = false;
    }
  });
}
