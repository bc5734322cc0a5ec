/**
 * @module The report JSON an email becomes (EmailReportPlaintext), kept within the size a sealed
 * report may have. It exists in clear only here, in the handler's memory.
 */
import { toB64, utf8, type Sodium } from '../crypto';
import type { EmailReportPlaintext, MailboxPublicKeys, SendTo } from '../domain/report';
import { guessLanguage } from './language';
import { MAX_PLAINTEXT_BYTES } from './limits';
import type { ParsedMail } from './parse';

/**
 * The plaintext bytes for a parsed mail. When the parse is incomplete the message goes along, as
 * `content` (the raw bytes without the sender's headers, raw.ts). If that is too big to seal, the
 * attachments are left to the raw copy, then the text too: the raw copy alone always fits (limits.ts).
 */
/** What the edge adds about the case (format 2): the mailbox's public keys and who the mail went to. */
export interface CaseFacts {
  mailbox: MailboxPublicKeys;
  sendTo: SendTo;
}

export function emailPlaintext(s: Sodium, facility: string, mail: ParsedMail, content: Uint8Array, facts?: CaseFacts): Uint8Array {
  const base: EmailReportPlaintext = {
    v: 1,
    channel: 'email',
    lang: guessLanguage(mail.subject, mail.text),
    facility,
    subject: mail.subject,
    text: mail.text,
    attachments: mail.attachments.map((a) => ({ name: a.name, type: a.type, size: a.content.length, data: toB64(s, a.content) })),
    ...(facts ? { mailbox: facts.mailbox, sendTo: facts.sendTo } : {}),
  };
  const full = utf8(JSON.stringify(mail.complete ? base : { ...base, raw: toB64(s, content) }));
  if (full.length <= MAX_PLAINTEXT_BYTES) return full;

  const rawCopy = toB64(s, content);
  const withoutFiles = utf8(JSON.stringify({ ...base, attachments: [], raw: rawCopy }));
  if (withoutFiles.length <= MAX_PLAINTEXT_BYTES) return withoutFiles;
  return utf8(JSON.stringify({ ...base, subject: '', text: '', attachments: [], raw: rawCopy }));
}
