/**
 * @module Releasing waiting reports and answers ahead of their batch: for demos and tests on a
 * local machine only (`npm run release:now`). The Worker itself never calls this; in a deployment
 * a batch reaches readers at its release hour and not before.
 */
import { rebuildTrendCounterStatements } from '../trends/counters';
import { releaseWaitingErasures } from './erase-request';
import { releaseWaitingWorkerActions } from './held-actions';

/**
 * Statements (one batch) that move everything still waiting into the given, already passed,
 * release: its day becomes their received day, and the trend counters follow.
 */
export function releaseWaitingStatements(db: D1Database, upTo: string): ReturnType<D1Database['prepare']>[] {
  return [
    db.prepare('UPDATE reports SET release_at = ?1, received_day = substr(?1, 1, 10) WHERE release_at > ?1').bind(upTo),
    // A case the worker widened to the authority reaches officials with its own release (migrations/0025_referral.sql).
    db.prepare('UPDATE reports SET authority_release_at = ?1 WHERE authority_release_at > ?1').bind(upTo),
    db.prepare("UPDATE messages SET release_at = ?1, day = CASE WHEN kind = 'answer' THEN substr(?1, 1, 10) ELSE day END WHERE release_at > ?1").bind(upTo),
    // Workers' erasures, widenings and keeps waiting for a later release too; the caller then carries them out (releaseWorkerActions).
    releaseWaitingErasures(db, upTo),
    ...releaseWaitingWorkerActions(db, upTo),
    ...rebuildTrendCounterStatements(db),
  ];
}
