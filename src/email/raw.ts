/**
 * @module The raw message: read from the platform's stream with a byte cap, and reduced to what
 * may be sealed when it has to be kept whole (its top-level sender, trace and date headers removed,
 * its MIME boundaries renamed and its parts' Content-ID and X-* headers dropped).
 */
import { concat } from '../crypto';
import { readCapped } from '../lib/read-capped';

/** Reads the whole stream, or returns null as soon as it passes maxBytes (the rest is never read). */
export const readRaw = (stream: ReadableStream<Uint8Array>, maxBytes: number) => readCapped(stream, maxBytes);

/**
 * Top-level headers kept when the raw message is sealed: those needed to parse it again. From,
 * Sender, Reply-To, Return-Path, Received, DKIM, Date, Message-ID and every other header that could
 * name or place the sender are left out, so even the raw copy does not tell readers who wrote.
 */
const KEPT_HEADERS = new Set(['mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition', 'content-language', 'subject']);

const LF = 0x0a;
const CR = 0x0d;
const isContinuation = (b: number | undefined) => b === 0x20 || b === 0x09;

/** The header name of a line, lower-cased, or null if the line is not "name: value". */
function headerName(raw: Uint8Array, start: number, end: number): string | null {
  let name = '';
  for (let i = start; i < end; i++) {
    const b = raw[i]!;
    if (b === 0x3a) return name.length ? name.toLowerCase() : null;
    if (b <= 0x20 || b >= 0x7f) return null;
    name += String.fromCharCode(b);
  }
  return null;
}

/**
 * The message with its top-level header block reduced to KEPT_HEADERS, byte for byte otherwise.
 * The header block ends at the first empty line or at the first line that is not a header.
 */
export function withoutSenderHeaders(raw: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [];
  let at = 0;
  let keepCurrent = false;
  while (at < raw.length) {
    let end = raw.indexOf(LF, at);
    end = end < 0 ? raw.length : end + 1;
    const lineEnd = end > at && raw[end - 1] === LF ? (end - 1 > at && raw[end - 2] === CR ? end - 2 : end - 1) : end;
    if (lineEnd === at) break; // the empty line: the body starts here
    if (isContinuation(raw[at]) && at > 0) {
      if (keepCurrent) kept.push(raw.subarray(at, end));
    } else {
      const name = headerName(raw, at, lineEnd);
      if (name === null) break; // not a header: treat the rest as body
      keepCurrent = KEPT_HEADERS.has(name);
      if (keepCurrent) kept.push(raw.subarray(at, end));
    }
    at = end;
  }
  return concat(...kept, raw.subarray(at));
}

/** Bytes as a string of the same length, one character per byte (and back): boundaries are ASCII, bodies pass untouched. */
function latin1(raw: Uint8Array): string {
  let out = '';
  for (let at = 0; at < raw.length; at += 8192) out += String.fromCharCode(...raw.subarray(at, at + 8192));
  return out;
}
const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** A part header that may carry the sending time or the sender's machine: Content-ID and any X-* header. */
const droppedInParts = (name: string) => name === 'content-id' || name.startsWith('x-');

/**
 * What may be sealed of a raw message kept whole: withoutSenderHeaders, then every MIME boundary
 * renamed (mail clients build them from the send time, the host or a counter: Apple Mail, Outlook,
 * nodemailer) and each part's Content-ID and X-* headers (Gmail's and Outlook's ids carry times too)
 * dropped. Parts still parse as before; an inline image shows as an attachment instead.
 */
export function withoutSendingTraces(raw: Uint8Array): Uint8Array {
  const text = latin1(withoutSenderHeaders(raw));
  // Only boundaries a multipart Content-Type header declares (folded lines included), never a word in a body.
  const headers = [...text.matchAll(/^content-type:[ \t]*multipart\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim)].map((m) => m[0]);
  const declared = headers.flatMap((h) => [...h.matchAll(/boundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))/gi)].map((m) => (m[1] ?? m[2])!));
  const boundaries = [...new Set(declared)];
  const out: string[] = [];
  let inPartHeaders = false;
  let dropping = false;
  for (const line of text.split(/(?<=\n)/)) {
    const bare = line.replace(/\r?\n$/, '');
    if (boundaries.some((b) => bare.startsWith(`--${b}`))) {
      inPartHeaders = !boundaries.some((b) => bare.trimEnd() === `--${b}--`);
      out.push(line);
      continue;
    }
    if (inPartHeaders) {
      if (bare === '') inPartHeaders = false;
      else if (/^[ \t]/.test(bare)) {
        if (dropping) continue;
      } else {
        const name = /^([!-9;-~]+):/.exec(bare)?.[1]?.toLowerCase();
        dropping = !!name && droppedInParts(name);
        if (dropping) continue;
      }
    }
    out.push(line);
  }
  // One pass, longest first, so a boundary that contains another is renamed whole and no new name is renamed again.
  // "=_" never occurs in base64 or quoted-printable text, so the new names cannot clash with a body.
  if (!boundaries.length) return bytesOf(out.join(''));
  const escaped = [...boundaries].sort((a, b) => b.length - a.length).map((b) => b.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const result = out.join('').replace(new RegExp(escaped.join('|'), 'g'), (b) => `=_buzon_part_${boundaries.indexOf(b) + 1}`);
  return bytesOf(result);
}
