/**
 * @module Parsing a mail with postal-mime into what a report keeps: subject, text (HTML turned into
 * plain text), attachments; and whether the parse is complete enough to drop the raw bytes.
 */
import { neutralNames } from '../domain/attachment';
import PostalMime, { type Email } from 'postal-mime';
import { htmlToText } from './html-text';
import { repairMisdecoded } from './misdecoded';
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

/** The parts of postal-mime's parser (4.0.0, pinned) that ReportParser changes; its types mark them internal. */
interface MimePart {
  contentType: { parsed: { value: string; params: Record<string, string | undefined> } };
  contentDisposition: { parsed: { value: string; params: Record<string, string | undefined> } };
}
type TextItem = { type: 'text'; value: string } | { type: 'subMessage'; value: unknown };
interface ParserInternals {
  textMap: Map<unknown, { plain?: TextItem[]; html?: TextItem[] }>;
  isInlineTextNode(node: MimePart): boolean;
  renderTextContent(): void;
}
const upstream = PostalMime.prototype as unknown as ParserInternals;

/**
 * postal-mime with two decisions of our own (tests/worker/email-unseen.test.ts holds them):
 * - a text or HTML part with a file name is a file the sender attached, kept byte for byte, not
 *   body text (Apple Mail attaches .txt and .html files "inline"); only at the top level: postal-mime
 *   parses a forwarded message with its own parser;
 * - an HTML part in a message that also has plain text becomes text through our htmlToText, which
 *   drops styles and keeps table cells apart (postal-mime's own conversion keeps CSS as text).
 */
class ReportParser extends PostalMime {
  isInlineTextNode(node: MimePart): boolean {
    if (node.contentDisposition.parsed.params.filename || node.contentType.parsed.params.name) return false;
    return upstream.isInlineTextNode.call(this, node);
  }

  renderTextContent(): void {
    for (const entry of (this as unknown as ParserInternals).textMap.values()) {
      if (entry.html && !entry.plain) {
        entry.plain = entry.html.map((item) => (item.type === 'text' ? { type: 'text', value: htmlToText(item.value) } : item));
      }
    }
    upstream.renderTextContent.call(this);
  }
}

/** Subject, text and attachments of a message; never throws (a failed parse gives empty parts, incomplete). */
export async function parseMail(raw: Uint8Array): Promise<ParsedMail> {
  let mail: Email;
  try {
    mail = await new ReportParser({ maxNestingDepth: MAX_MIME_DEPTH, attachmentEncoding: 'arraybuffer' }).parse(raw);
  } catch {
    return { subject: '', text: '', attachments: [], complete: false };
  }
  // Every file gets a neutral name by type (foto-1.jpg), as a phone names web evidence: the
  // sender's own file name ("IMG_20261207_0815.jpg", a person's name) is not kept in the report
  // (only the sealed raw message, kept when the parse had to guess, still holds it).
  const names = neutralNames(mail.attachments.map((a) => a.mimeType));
  const attachments = mail.attachments.map((a, i) => ({
    name: names[i]!,
    type: a.mimeType,
    content: new Uint8Array(a.content as ArrayBuffer),
  }));
  const rawSubject = mail.subject ?? '';
  let rawText = mail.text?.trim() ? mail.text : mail.html ? htmlToText(mail.html) : (mail.text ?? '');
  // Gateways (SMS/MMS to mail) send the only words as a named inline part ("text_0.txt"): it
  // stays a file, and is the text too.
  if (!rawText.trim()) {
    const words = mail.attachments.filter((a) => a.mimeType === 'text/plain' && a.disposition !== 'attachment');
    rawText = words.map((a) => new TextDecoder().decode(a.content as ArrayBuffer)).join('\n');
  }
  const subject = repairMisdecoded(rawSubject) ?? rawSubject;
  const text = repairMisdecoded(rawText) ?? rawText;
  // A repaired text was a guess: the raw message is kept too.
  const guessed = subject !== rawSubject || text !== rawText;
  return { subject, text, attachments, complete: !guessed && looksComplete(raw, mail, text) };
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
