/**
 * @module What an email report's id is derived from, so that a message delivered twice (a retry,
 * or two copies racing) becomes one report. The keyed hash itself is src/crypto/mail-report-id.ts.
 *
 * The body (everything after the header section) is part of it because relays rewrite headers on
 * a redelivery but not the body, while a sender that reuses a Message-ID for a new message (some
 * gateways and phones do) must not lose that message as a "copy".
 *
 * The content itself is sealed with the ordinary envelope (a fresh random key), like a web report.
 */
import type { Sodium } from '../crypto';
import { mailReportId } from '../crypto/mail-report-id';

/**
 * The normalized Message-ID, or null if the header is missing or is not an id at all (empty,
 * "<>", no "@"): such a placeholder is shared by unrelated messages.
 */
export function normalizeMessageId(header: string | null): string | null {
  const id = header?.trim().replace(/\s+/g, '') ?? '';
  return /^<?[^<>@]+@[^<>@]+>?$/.test(id) ? id : null;
}

/** The report id (16 bytes, hex) for a message to a facility; the same message always gets the same id. */
export function emailReportId(s: Sodium, serverSecret: string, facilityId: string, messageId: string | null, raw: Uint8Array): string {
  return mailReportId(s, serverSecret, facilityId, messageId ? { messageId, body: bodyOf(raw) } : { raw });
}

/** The bytes after the header section (after the first empty line), or all of them if there is none. */
export function bodyOf(raw: Uint8Array): Uint8Array {
  for (let i = 0; i + 1 < raw.length; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return raw.subarray(i + 2);
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return raw.subarray(i + 3);
  }
  return raw;
}
