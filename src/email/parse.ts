/**
 * @module Parsing a mail with postal-mime into what a report keeps: subject, text (HTML turned into
 * plain text), attachments; and whether the parse is complete enough to drop the raw bytes.
 */
import PostalMime, { type Email } from 'postal-mime';
import { htmlToText } from './html-text';
import { MAX_MIME_DEPTH } from './limits';

export interface ParsedAttachment {
  name: string;
  type: string;
  content: Uint8Array;
}

export interface ParsedMail {
  subject: string;
  text: string;
  attachments: ParsedAttachment[];
  /** False when the parser failed or something in the message could not be read as written. */
  complete: boolean;
}

/** Subject, text and attachments of a message; never throws (a failed parse gives empty parts, incomplete). */
export async function parseMail(raw: Uint8Array): Promise<ParsedMail> {
  let mail: Email;
  try {
    mail = await PostalMime.parse(raw, { maxNestingDepth: MAX_MIME_DEPTH, attachmentEncoding: 'arraybuffer' });
  } catch {
    return { subject: '', text: '', attachments: [], complete: false };
  }
  const subject = mail.subject ?? '';
  const text = mail.text?.trim() ? mail.text : mail.html ? htmlToText(mail.html) : (mail.text ?? '');
  const attachments = mail.attachments.map((a) => ({
    name: a.filename ?? '',
    type: a.mimeType,
    content: new Uint8Array(a.content as ArrayBuffer),
  }));
  return { subject, text, attachments, complete: looksComplete(raw, mail, text) };
}

/**
 * Signs that the parser had to guess: no header/body boundary, a multipart whose boundary never
 * starts or never closes (a cut message), bytes that did not decode in their charset, or a body
 * with nothing read out of it.
 */
function looksComplete(raw: Uint8Array, mail: Email, text: string): boolean {
  const source = new TextDecoder('latin1').decode(raw);
  const split = /\r?\n\r?\n/.exec(source);
  if (!split) return false;
  const body = source.slice(split.index + split[0].length);
  const type = mail.headers.find((h) => h.key === 'content-type')?.value ?? '';
  if (/^\s*multipart\//i.test(type)) {
    const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(type);
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b || !body.includes(`--${b}`) || !body.includes(`--${b}--`)) return false;
  }
  if ([mail.subject, mail.text, mail.html, text].some((t) => t?.includes('\uFFFD'))) return false;
  const readSomething = text.trim() !== '' || mail.attachments.length > 0 || !!mail.html?.trim();
  return readSomething || body.trim() === '';
}
