/**
 * @module The raw message: read from the platform's stream with a byte cap, and reduced to what
 * may be sealed when it has to be kept whole (its top-level sender, trace and date headers removed).
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
