/**
 * @module A plain-text mail as raw MIME (RFC 5322): the acknowledgement and the digest. Writes the
 * bytes mimetext 3.0.28 wrote for them (tests/node/outgoing-mail.test.ts holds them to its fixtures),
 * without the library and the core-js polyfills it brought into the Worker.
 */

export interface PlainMail {
  /** The From mailbox: a display name (encoded) and an address. */
  from: { name: string; addr: string };
  /** The To address, as the caller has it. */
  to: string;
  subject: string;
  messageId: string;
  /** Further headers, in this order after MIME-Version. */
  headers: [string, string][];
  /** The body already in base64 lines (mime.ts base64Body). */
  base64Body: string;
}

const EOL = '\r\n';

/** base64 of the UTF-8 bytes of a text, as one line (an RFC 2047 encoded word's payload). */
function utf8Base64(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

const encodedWord = (text: string) => `=?utf-8?B?${utf8Base64(text)}?=`;
const mailbox = (name: string, addr: string) => (name.length ? `${encodedWord(name)} <${addr}>` : `<${addr}>`);

/** A To address as mimetext read it: "Name <addr>" or "<addr>" are split, anything else is the address itself. */
function recipient(input: string): string {
  if (!/(([^<>\r\n]+)\s)?<[^\r\n]+>/.test(input)) return mailbox('', input);
  const text = input.trim();
  if (text.startsWith('<') && text.endsWith('>')) return mailbox('', text.slice(1, -1));
  const [first, second] = text.split(' <');
  if (second === undefined) throw new Error('unreadable mail address');
  const name = first!.replace(/^["']/, '').replace(/["']$/, '');
  return mailbox(name, second.slice(0, -1));
}

/** The raw message: the headers in mimetext's order, then one text/plain UTF-8 part in base64. */
export function plainMail(m: PlainMail, now = new Date()): string {
  const headers: [string, string][] = [
    ['Date', now.toUTCString().replace(/GMT|UTC/gi, '+0000')],
    ['From', mailbox(m.from.name, m.from.addr)],
    ['To', recipient(m.to)],
    ['Message-ID', m.messageId],
    ['Subject', encodedWord(m.subject)],
    ['MIME-Version', '1.0'],
    ...m.headers,
    ['Content-Type', 'text/plain; charset=UTF-8'],
    ['Content-Transfer-Encoding', 'base64'],
  ];
  return `${headers.map(([name, value]) => `${name}: ${value}`).join(EOL)}${EOL}${EOL}${m.base64Body}`;
}
