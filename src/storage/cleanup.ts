/**
 * @module Removing blobs no report points to: the KV body a losing copy of a racing mail
 * submission wrote. Bodies carry their day (KV metadata), so anything from `beforeDay` on is left
 * alone while its report may still be on its way. Attachment chunks need no loop here: uploads
 * expire by themselves (KV expirationTtl, src/storage/uploads.ts) and only stored reports' chunks
 * are copied to `report/…/att/…`, so those are never unreferenced.
 */

/** Deletes unreferenced bodies written before `beforeDay`; returns how many. */
export async function forgetUnreferencedBlobs(db: D1Database, blobs: KVNamespace, beforeDay: string): Promise<number> {
  let removed = 0;
  let cursor: string | undefined;
  do {
    const page = await blobs.list<{ day?: string }>({ prefix: 'report/', cursor });
    for (const key of page.keys) {
      const match = key.name.match(/^report\/([0-9a-f]{32})\/body\//);
      if (!match || !key.metadata?.day || key.metadata.day >= beforeDay) continue;
      const row = await db.prepare('SELECT body_key AS bodyKey FROM reports WHERE id = ?1').bind(match[1]!).first<{ bodyKey: string }>();
      if (row?.bodyKey === key.name) continue;
      await blobs.delete(key.name);
      removed++;
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return removed;
}
