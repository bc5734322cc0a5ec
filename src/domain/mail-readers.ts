/**
 * @module Who reads a mail sent to a plant's address, in the same words on the poster, the form's
 * no-JavaScript notice and the mail acknowledgement, with how the worker can choose otherwise.
 */
import type { SendTo } from './case-sides';

type T = (key: string, values?: Record<string, unknown>) => string;

/**
 * The sentences for a plant whose mail goes to `sendTo` (facilities.mail_send_to). The poster adds
 * that the form lets the worker choose; the form's no-script notice cannot (it says to try another
 * browser); after sending (the acknowledgement) a mail read only by the company can be widened to
 * the authority from the follow-up page.
 */
export function mailReaders(t: T, sendTo: SendTo, where: 'poster' | 'noscript' | 'acknowledgement'): string {
  const parts = [t(`mail_readers.${sendTo}`)];
  if (sendTo === 'monitor') parts.push(t('mail_readers.widen'));
  // Without scripts the form is not there to use; the notice says to open it in another browser instead.
  if (where === 'poster' && sendTo !== 'both') parts.push(t('mail_readers.use_form'));
  return parts.join(' ');
}
