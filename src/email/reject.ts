/**
 * @module Why a mail is refused, in the words the sender will read in the bounce: Spanish, then
 * English, folded to ASCII because an SMTP reply carries nothing else.
 */
import { translator } from '../i18n';
import { MAX_RAW_BYTES } from './limits';

export type RejectCode = 'too_large' | 'unknown_address' | 'no_recipients' | 'delivery_report';

function sentence(lang: 'es' | 'en', code: RejectCode): string {
  const t = translator(lang);
  switch (code) {
    case 'too_large':
      return t('email.reject.too_large', { mb: MAX_RAW_BYTES / (1024 * 1024) });
    case 'unknown_address':
      return t('email.reject.unknown_address');
    case 'no_recipients':
      return t('email.reject.no_recipients');
    case 'delivery_report':
      return t('email.reject.delivery_report');
  }
}

/** "á" → "a", "¿" dropped: what is left is printable ASCII. */
const toAscii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '');

/** The reason handed to setReject. */
export const rejectReason = (code: RejectCode) => `${toAscii(sentence('es', code))} / ${toAscii(sentence('en', code))}`;
