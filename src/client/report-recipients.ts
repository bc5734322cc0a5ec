/**
 * @module Who a report is sealed to: the plant's readers as the server serves them (fetched once per
 * plant, as soon as it is chosen) and as the administrator signed them; the two must agree.
 */
import { servedAsSigned, trustedReaderList } from './admin-key';
import { listedRecipients, listedRecovery, type Sodium } from './report-crypto';
import { rolesFor, type ReportPlaintext } from '../domain/report';
import { ApiProblem, msg, requestJson } from './page';
import type { FacilityRecipients as RecipientKeys } from '../contract/responses';

/** Recipient keys by facility, fetched as soon as the facility is known so sending needs one round trip. */
const recipientCache = new Map<string, Promise<RecipientKeys>>();

export function recipientsFor(facility: string, lang: 'es' | 'en'): Promise<RecipientKeys> {
  let keys = recipientCache.get(facility);
  if (!keys) {
    keys = requestJson<RecipientKeys>(`/api/facilities/${encodeURIComponent(facility)}/recipients?lang=${lang}`);
    keys.catch(() => recipientCache.delete(facility));
    recipientCache.set(facility, keys);
  }
  return keys;
}

/**
 * Who the report is sealed to: the readers the administrator signed for this plant, and only if
 * the server's current keys are exactly those. Anything else means someone changed the readers in
 * the database, and nothing is sent.
 */
export function signedRecipients(s: Sodium, keys: RecipientKeys, report: ReportPlaintext) {
  const list = trustedReaderList(s, keys.readers, report.facility);
  const roles = rolesFor(report.sendTo);
  const recipients = list ? listedRecipients(s, list, roles) : [];
  const served = roles.flatMap((role) => keys[role]);
  if (!list || (served.length && !servedAsSigned(served, recipients))) throw new ApiProblem(msg('errors.readers_unverified'), 0, 'readers_unverified');
  // The plant's recovery key, as the administrator signed it (src/crypto/recovery.ts).
  return [...recipients, ...listedRecovery(s, list, roles)];
}

/**
 * With the plant chooser, shows only the choices of whom to send to that the chosen plant has (the
 * server names them on each option, from its signed list), and says why one is missing.
 */
export function followPlantChoices(field: HTMLInputElement | HTMLSelectElement) {
  if (!(field instanceof HTMLSelectElement)) return;
  const show = () => {
    const allowed = field.selectedOptions[0]?.dataset.sendTo?.split(' ').filter(Boolean);
    for (const choice of document.querySelectorAll<HTMLElement>('#send-to [data-send-to]')) {
      const hide = !!allowed && !allowed.includes(choice.dataset.sendTo!);
      choice.hidden = hide;
      const radio = choice.querySelector('input');
      if (hide && radio) radio.checked = false;
    }
    document.getElementById('send-to-no-monitor')!.hidden = !allowed || allowed.includes('monitor');
    document.getElementById('send-to-no-authority')!.hidden = !allowed || allowed.includes('authority');
  };
  field.addEventListener('change', show);
  show();
}
