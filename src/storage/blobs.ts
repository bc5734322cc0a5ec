/**
 * @module Sealed bodies (reports and thread messages) in KV, stored as base64url text: that is
 * how every reader receives them anyway, and text values can be read a hundred at a time (KV bulk
 * get), so a console page of 200 reports costs two reads instead of 200. Attachment chunks stay binary.
 */
import { fromB64, toB64, type Sodium } from '../crypto';

/** KV's limit on keys per bulk get. */
const KEYS_PER_BULK_GET = 100;

export async function putSealed(s: Sodium, blobs: KVNamespace, key: string, bytes: Uint8Array, metadata?: Record<string, string>): Promise<void> {
  await blobs.put(key, toB64(s, bytes), metadata ? { metadata } : undefined);
}

/** One sealed body as base64url, or null. */
export function getSealedText(blobs: KVNamespace, key: string): Promise<string | null> {
  return blobs.get(key, 'text');
}

/** One sealed body as bytes, or null. */
export async function getSealed(s: Sodium, blobs: KVNamespace, key: string): Promise<Uint8Array | null> {
  const text = await getSealedText(blobs, key);
  return text === null ? null : fromB64(s, text);
}

/** Many sealed bodies as base64url, by key, in bulk gets of up to 100 keys. */
export async function getSealedTexts(blobs: KVNamespace, keys: string[]): Promise<Map<string, string | null>> {
  const unique = [...new Set(keys)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += KEYS_PER_BULK_GET) chunks.push(unique.slice(i, i + KEYS_PER_BULK_GET));
  const maps = await Promise.all(chunks.map((chunk) => blobs.get(chunk, 'text')));
  return new Map(maps.flatMap((m) => [...m.entries()]));
}
