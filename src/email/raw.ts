/**
 * @module The raw message: read from the platform's stream with a byte cap, and reduced to what
 * may be sealed when it has to be kept whole (its top-level sender, trace and date headers removed,
 * its MIME boundaries renamed and its parts' Content-ID and X-* headers dropped).
 */
import { concat, utf8 } from '../crypto';
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

/**
 * The bytes as text for searching only: windows-1252 turns each byte into exactly one character, so
 * an index in the text is the same offset in the bytes, which are cut and kept as they are.
 */
const searchable = (raw: Uint8Array) => new TextDecoder('windows-1252').decode(raw);

/** A part header that may carry the sending time or the sender's machine: Content-ID and any X-* header. */
const droppedInParts = (name: string) => name === 'content-id' || name.startsWith('x-');

/**
 * What may be sealed of a raw message kept whole: withoutSenderHeaders, then every MIME boundary
 * renamed (mail clients build them from the send time, the host or a counter: Apple Mail, Outlook,
 * nodemailer) and each part's Content-ID and X-* headers (Gmail's and Outlook's ids carry times too)
 * dropped. Parts still parse as before; an inline image shows as an attachment instead.
 */
export function withoutSendingTraces(raw: Uint8Array): Uint8Array {
  const reduced = withoutSenderHeaders(raw);
  const text = searchable(reduced);
  const cuts: Array<{ start: number; end: number; with: string }> = [];
  const names = new Map<string, string>();
  const rename = (b: string) => names.get(b) ?? (names.set(b, `=_buzon_part_${names.size + 1}`), names.get(b)!);
  // Only boundaries a multipart Content-Type header declares (folded lines included), never a word in a body.
  for (const h of text.matchAll(/^content-type:[ \t]*multipart\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim)) {
    const p = /boundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))/i.exec(h[0]);
    if (!p) continue;
    const value = (p[1] ?? p[2])!;
    const at = h.index + p.index + p[0].lastIndexOf(value);
    // "=" needs quotes in a parameter value: an unquoted boundary gets them.
    cuts.push({ start: at, end: at + value.length, with: p[1] ? rename(value) : `"${rename(value)}"` });
  }
  if (!names.size) return reduced; // one part: no boundaries, no part headers
  // Longest first, so a boundary that contains another is matched whole. A boundary may occur inside
  // a body (only "--boundary" at a line's start is a delimiter), so only delimiter lines are renamed.
  const alternatives = [...names.keys()].sort((a, b) => b.length - a.length).map((b) => b.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const delimiter = new RegExp(`(?<=^|\\n)--(${alternatives.join('|')})(--)?[ \\t]*\\r?\\n`, 'g');
  for (const m of text.matchAll(delimiter)) {
    cuts.push({ start: m.index + 2, end: m.index + 2 + m[1]!.length, with: rename(m[1]!) });
    if (m[2]) continue; // a closing delimiter: no part headers follow
    let at = m.index + m[0].length;
    let dropping = false;
    // The part's header lines, up to the empty line: drop Content-ID and X-* with their folded lines.
    while (at < text.length) {
      const next = text.indexOf('\n', at);
      const end = next < 0 ? text.length : next + 1;
      const line = text.slice(at, end);
      if (line === '\n' || line === '\r\n') break;
      if (!/^[ \t]/.test(line)) dropping = droppedInParts(/^([!-9;-~]+):/.exec(line)?.[1]?.toLowerCase() ?? '');
      if (dropping) cuts.push({ start: at, end, with: '' });
      at = end;
    }
  }
  cuts.sort((a, b) => a.start - b.start);
  const pieces: Uint8Array[] = [];
  let copied = 0;
  for (const c of cuts) {
    if (c.start < copied) continue; // inside a dropped header line
    pieces.push(reduced.subarray(copied, c.start), utf8(c.with));
    copied = c.end;
  }
  pieces.push(reduced.subarray(copied));
  return concat(...pieces);
}
