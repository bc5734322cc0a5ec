/**
 * @module The replay set (migration 0002): nonces of challenges already used, with a coarse expiry
 * day only. Report tokens are spent in their report's batch (src/storage/reports.ts); a mailbox
 * proof that erases a case or sends an answer is spent here, so it cannot be replayed.
 */

/** Spends a nonce; false when it was spent already. */
export async function spendNonce(db: D1Database, nonce: string, expiresDay: string): Promise<boolean> {
  const r = await db.prepare('INSERT INTO spent_challenges (nonce, expires_day) VALUES (?1, ?2) ON CONFLICT (nonce) DO NOTHING').bind(nonce, expiresDay).run();
  return (r.meta.changes ?? 0) > 0;
}

/** The statement that finds a nonce in the replay set (a row when spent), for a caller's own batch. */
export const spentNonceStatement = (db: D1Database, nonce: string) => db.prepare('SELECT 1 AS spent FROM spent_challenges WHERE nonce = ?1').bind(nonce);
