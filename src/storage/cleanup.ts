/**
 * @module Removing blobs no report points to: attachment chunks of reports never sent, and the
 * body a losing copy of a racing submission wrote. Blobs carry their day (KV metadata), so
 * anything from `beforeDay` on is left alone while its report may still be on its way.
 */

/** Deletes unreferenced blobs written before `beforeDay`; returns how many. */
export async function forgetUnreferencedBlobs(db: D1Database, blobs: KVNamespace, beforeDay: string): Promise<number> {
  let removed = 0;
  let cursor: string | undefined;
  const bodyKeys = new Map<string, string | null>();
  const bodyKeyOf = async (reportId: string) => {
    if (!bodyKeys.has(reportId)) {
      const row = await db.prepare('SELECT body_key AS bodyKey FROM reports WHERE id = ?1').bind(reportId).first<{ bodyKey: string }>();
      bodyKeys.set(reportId, row?.bodyKey ?? null);
    }
    return bodyKeys.get(reportId)!;
  };
  do {
    const page = await blobs.list<{ day?: string }>({ prefix: 'report/', cursor });
    for (const key of page.keys) {
      const match = key.name.match(/^report\/([0-9a-f]{32})\/(att|body)\//);
      if (!match || !key.metadata?.day || key.metadata.day >= beforeDay) continue;
      const stored = await bodyKeyOf(match[1]!);
      const referenced = match[2] === 'att' ? stored !== null : stored === key.name;
      if (referenced) continue;
      await blobs.delete(key.name);
      removed++;
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return removed;
}
