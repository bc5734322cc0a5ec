/**
 * @module Sealed bodies of reports and thread messages. They live in D1 (`sealed_bodies`), written
 * in the same batch as the rows that point at them; only a mail report too large for a D1 row goes
 * to KV, written before the batch. Reads look in D1 first and fall back to KV, where bodies stored
 * before migration 0008 stay. Stored as base64url text: that is how every reader receives them.
 */
import { fromB64, toB64, type Sodium } from '../crypto';

type Statement = ReturnType<D1Database['prepare']>;

/** Longest body text kept in a D1 row (D1 allows 2 MB per value); web reports are at most 88 KB. */
export const MAX_D1_BODY_CHARS = 1_500_000;
/** KV's limit on keys per bulk get; D1's on bound parameters per statement, with room to spare. */
const KEYS_PER_BULK_GET = 100;
const KEYS_PER_STATEMENT = 90;

/**
 * Stores a sealed body: returns the statement that writes it in the caller's batch, or (for a body
 * too large for D1) writes it to KV now and returns none, so the batch still commits it last.
 */
export async function sealedBodyWrite(s: Sodium, db: D1Database, blobs: KVNamespace, key: string, bytes: Uint8Array, day: string): Promise<Statement[]> {
  const text = toB64(s, bytes);
  if (text.length <= MAX_D1_BODY_CHARS) return [db.prepare('INSERT INTO sealed_bodies (key, body) VALUES (?1, ?2)').bind(key, text)];
  await blobs.put(key, text, { metadata: { day } });
  return [];
}

/** Many sealed bodies as base64url, by key: D1 in statements of 90 keys, then KV for the rest. */
export async function getSealedTexts(db: D1Database, blobs: KVNamespace, keys: string[]): Promise<Map<string, string | null>> {
  const unique = [...new Set(keys)];
  const found = new Map<string, string | null>();
  if (!unique.length) return found;
  const chunks = (size: number, list: string[]) => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
  const results = await db.batch(
    chunks(KEYS_PER_STATEMENT, unique).map((chunk) =>
      db.prepare(`SELECT key, body FROM sealed_bodies WHERE key IN (${chunk.map((_, i) => `?${i + 1}`).join(', ')})`).bind(...chunk),
    ),
  );
  for (const r of results) for (const row of r.results as Array<{ key: string; body: string }>) found.set(row.key, row.body);
  const rest = unique.filter((k) => !found.has(k));
  const maps = await Promise.all(chunks(KEYS_PER_BULK_GET, rest).map((chunk) => blobs.get(chunk, 'text')));
  for (const m of maps) for (const [k, v] of m) found.set(k, v);
  return found;
}

/** One sealed body as base64url, or null. */
export async function getSealedText(db: D1Database, blobs: KVNamespace, key: string): Promise<string | null> {
  const row = await db.prepare('SELECT body FROM sealed_bodies WHERE key = ?1').bind(key).first<{ body: string }>();
  return row ? row.body : blobs.get(key, 'text');
}

/** One sealed body as bytes, or null. */
export async function getSealed(s: Sodium, db: D1Database, blobs: KVNamespace, key: string): Promise<Uint8Array | null> {
  const text = await getSealedText(db, blobs, key);
  return text === null ? null : fromB64(s, text);
}
