/**
 * @module The follow-up page's constancia: asked for only when the worker taps "Ver constancia",
 * signed again by the server from the receipt code's constancia key (the same text as on the
 * receipt screen), with the case's two clocks: acknowledged and answered, in time or not.
 */
import { constanciaKeyFromCode, toB64, type Sodium } from '../crypto';
import { constanciaPanel } from './constancia-panel';
import { $, el, formatDay, msg, requestJson } from './page';
import type { MailboxConstancia } from '../contract/responses';

/**
 * Wires the panel. `code` gives the normalised receipt code while a case is open (null after
 * closing it); `proof` signs the mailbox action, as for every other request of this page.
 */
export function followUpConstancia(
  s: Sodium,
  lang: 'es' | 'en',
  code: () => string | null,
  proof: (action: string) => Promise<{ mailboxId: string; challenge: string; signature: string }>,
) {
  return constanciaPanel(lang, async () => {
    const typed = code();
    if (!typed) return null;
    const key = constanciaKeyFromCode(s, typed);
    const body = { ...(await proof('constancia')), key: toB64(s, key) };
    s.memzero(key);
    const answer = await requestJson<MailboxConstancia>(`/api/mailbox/constancia?lang=${lang}`, { body });
    const list = $('constancia-clocks');
    list.replaceChildren(
      ...(['acknowledge', 'answer'] as const).map((name) => {
        const c = answer.clocks[name];
        return el('li', msg(`constancia.clock_${name}_${c.outcome}`, { day: c.day ? formatDay(c.day, lang) : '', due: formatDay(c.due, lang) }));
      }),
    );
    return answer.constancia;
  });
}
