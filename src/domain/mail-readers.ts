/**
 * @module Who reads a mail sent to a plant's address, in the same words on the poster, the form's
 * no-JavaScript notice and the mail acknowledgement, with how the worker can choose otherwise.
 */
import type { SendTo } from './case-sides';

type T = (key: string, values?: Record<string, unknown>) => string;

/**
 * The sentences for a plant whose mail goes to `sendTo` (facilities.mail_send_to). Before sending
 * (poster, form) the worker can still choose on the form; after (the acknowledgement) a mail read
 * only by the company can be widened to the authority from the follow-up page.
 */
export function mailReaders(t: T, sendTo: SendTo, where: 'poster' | 'form' | 'acknowledgement'): string {
  const parts = [t(`mail_readers.${sendTo}`)];
  if (sendTo === 'monitor') parts.push(t('mail_readers.widen'));
  if (where !== 'acknowledgement' && sendTo !== 'both') parts.push(t('mail_readers.use_form'));
  return parts.join(' ');
}
