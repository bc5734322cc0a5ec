/**
 * @module The server's one check of a sealed envelope (src/crypto/envelope.ts), for a report, a
 * reader's message and a worker's answer alike: its body decodes from base64url, it is sealed to
 * exactly the keys expected, and the body has a length an envelope can have. The server cannot
 * open it; this is all it can know.
 */
import { fromB64, isPlausibleBodyLength, type Sodium } from '../crypto';

interface Envelope {
  body: string;
  keys: Array<{ keyId: string }>;
}

/** Whether sealed keys go to exactly these key ids: none missing, none extra, none twice. */
export function sealedToExactly(given: Array<{ keyId: string }>, expected: string[]): boolean {
  const want = new Set(expected);
  const ids = given.map((k) => k.keyId);
  return ids.length === want.size && new Set(ids).size === ids.length && ids.every((k) => want.has(k));
}

/**
 * The envelope's body bytes, and whether the envelope is well formed: sealed to exactly one of the
 * key sets in `to` (or, for `'distinct'`, to keys named once each, which the caller checks
 * further), with a plausible body of at most `maxBytes`. Null when the body is not base64url.
 */
export function readEnvelope(s: Sodium, envelope: Envelope, to: string[][] | 'distinct', maxBytes = Infinity): { body: Uint8Array; wellFormed: boolean } | null {
  let body: Uint8Array;
  try {
    body = fromB64(s, envelope.body);
  } catch {
    return null;
  }
  const ids = envelope.keys.map((k) => k.keyId);
  const sealed = to === 'distinct' ? new Set(ids).size === ids.length : to.some((keys) => sealedToExactly(envelope.keys, keys));
  return { body, wellFormed: sealed && body.length <= maxBytes && isPlausibleBodyLength(body.length) };
}
