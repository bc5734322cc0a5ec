/**
 * @module The automatic acknowledgement: a bilingual reply (Spanish first) with the case reference,
 * the receipt code, the follow-up link, what happens next and the deadlines. Never any of the
 * report's content, not even its subject.
 */
import type { SendTo } from '../domain/report';
import type { Deadlines } from '../domain/clocks';
import { mailReaders } from '../domain/mail-readers';
import type { Language } from '../domain/report';
import { translator } from '../i18n';
import { base64Body } from './mime';
import { plainMail } from './plain-mail';

export interface Acknowledgement {
  /** The facility's address: the reply comes from where the mail went. */
  from: string;
  /** The envelope sender, who gets the reply. */
  to: string;
  /** The incoming Message-ID and References, for threading (required by the platform for a reply). */
  inReplyTo: string | null;
  references: string | null;
  messageId: string;
  caseRef: string;
  code: string;
  /** The proof of filing (src/crypto/constancia.ts), when the deployment signs them. */
  constancia?: string | null;
  origin: string;
  /** Who the mail was sealed to, said as the poster and the form say it (src/domain/mail-readers.ts). */
  sentTo: SendTo;
  /** The plant's deadlines (src/domain/clocks.ts). */
  deadlines: Deadlines;
}

/** The acknowledgement text in one language. */
export function acknowledgementText(lang: Language, a: Pick<Acknowledgement, 'caseRef' | 'code' | 'origin' | 'constancia' | 'sentTo' | 'deadlines'>): string {
  const t = translator(lang);
  const link = `${a.origin}/seguimiento${lang === 'en' ? '?lang=en' : ''}`;
  return [
    t('email.ack.received'),
    mailReaders(t, a.sentTo, 'acknowledgement'),
    '',
    t('email.ack.case_ref', { ref: a.caseRef }),
    t('email.ack.code', { code: a.code }),
    '',
    t('email.ack.follow_up', { link }),
    t('email.ack.keep_code'),
    t('email.ack.delete_mail'),
    t('email.ack.no_address'),
    '',
    t('email.ack.next_heading'),
    `- ${t('email.ack.deadline_ack', { days: a.deadlines.acknowledge })}`,
    `- ${t('email.ack.deadline_answer', { days: a.deadlines.answer })}`,
    `- ${t('email.ack.deadline_close', { days: a.deadlines.close })}`,
    t('email.ack.where_answers'),
    '',
    ...(a.constancia ? [t('email.ack.constancia_heading'), a.constancia, t('email.ack.constancia_explain', { link: `${a.origin}/constancia${lang === 'en' ? '?lang=en' : ''}` }), ''] : []),
    t('email.ack.new_mail'),
    t('email.ack.automatic'),
  ].join('\r\n');
}

/** The whole reply as raw MIME (RFC 5322), marked Auto-Submitted: auto-replied (RFC 3834). */
export function acknowledgementMessage(a: Acknowledgement): string {
  const body = [acknowledgementText('es', a), '', '------', '', acknowledgementText('en', a), ''].join('\r\n');
  return plainMail({
    from: { name: 'Buzón', addr: a.from },
    to: a.to,
    subject: `${translator('es')('email.ack.subject')} / ${translator('en')('email.ack.subject')}`,
    messageId: a.messageId,
    headers: [
      ...(a.inReplyTo
        ? ([
            ['In-Reply-To', a.inReplyTo],
            ['References', [a.references, a.inReplyTo].filter(Boolean).join(' ')],
          ] as [string, string][])
        : []),
      ['Auto-Submitted', 'auto-replied'],
      ['X-Auto-Response-Suppress', 'All'],
    ],
    base64Body: base64Body(body),
  });
}
