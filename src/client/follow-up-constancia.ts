/**
 * @module The follow-up page's constancia: asked for only when the worker taps "Ver constancia",
 * signed again by the server from the receipt code's constancia key (the same text as on the
 * receipt screen), with the case's clocks (src/domain/clocks.ts) in the words the console uses.
 */
import { constanciaKeyFromCode, toB64, type Sodium } from '../crypto';
import { constanciaPanel } from './constancia-panel';
import { $, el, formatDay, msg, requestJson } from './page';
import type { MailboxConstancia } from '../contract/responses';
import { CLOCK_NAMES, clockLine } from '../domain/clocks';

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
      ...CLOCK_NAMES.map((name) =>
        el(
          'li',
          clockLine(msg, name, answer.clocks[name], (d) => formatDay(d, lang)),
        ),
      ),
    );
    return { text: answer.constancia, plantName: answer.facilityName };
  });
}
