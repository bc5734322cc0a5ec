/**
 * @module How long a case is kept (docs/privacy.md). A closed case is erased `closedDays` after it
 * closed; a case nobody moved for `idleDays` counts as closed for lack of activity that day, and is
 * erased `closedDays` after that. The worker may keep it longer (`keepUntil`, KEEP_DAYS at a time).
 * A legal hold stops both until it is lifted.
 */
import { addDays } from './case';

export interface RetentionPolicy {
  closedDays: number;
  idleDays: number;
}

/** Defaults: half a year after closing is enough to appeal or reopen; two idle years end a case. */
export const DEFAULT_RETENTION: RetentionPolicy = { closedDays: 180, idleDays: 730 };

/** The deployment's policy from its settings, then a plant's own overrides. */
export function retentionPolicy(
  env: { RETENTION_CLOSED_DAYS?: string; RETENTION_IDLE_DAYS?: string },
  plant: { closedDays?: number | null; idleDays?: number | null } = {},
): RetentionPolicy {
  const setting = (v: string | undefined, fallback: number) => (v && Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : fallback);
  return {
    closedDays: plant.closedDays ?? setting(env.RETENTION_CLOSED_DAYS, DEFAULT_RETENTION.closedDays),
    idleDays: plant.idleDays ?? setting(env.RETENTION_IDLE_DAYS, DEFAULT_RETENTION.idleDays),
  };
}

/** The day a case will be erased if nothing changes, or null while it is on hold. */
export function eraseDay(
  /** closedDay: the day the case closed as a whole, every side it went to (src/domain/case-sides.ts caseClosedDay). */
  c: { closedDay: string | null; lastActivityDay: string | null; receivedDay: string; held: boolean; keepUntil?: string | null },
  policy: RetentionPolicy,
): string | null {
  if (c.held) return null;
  const idleClose = addDays(c.lastActivityDay ?? c.receivedDay, policy.idleDays);
  const closed = c.closedDay;
  const closes = closed && closed < idleClose ? closed : idleClose;
  const scheduled = addDays(closes, policy.closedDays);
  // The worker asked to keep it: not before that day (but never past the limit below).
  const byRule = c.keepUntil && c.keepUntil > scheduled ? c.keepUntil : scheduled;
  const byAge = addDays(c.receivedDay, MAX_AGE_DAYS);
  return byRule < byAge ? byRule : byAge;
}

/**
 * The longest any case is kept without an official's hold, whatever happens on it: reopening or
 * replying cannot keep a worker's words forever (docs/privacy.md).
 */
export const MAX_AGE_DAYS = 1095;

export const HOLD_REASONS = ['court_order', 'investigation', 'complaint'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** How much longer the worker's "guardar otros 180 días" keeps a case, from the day they ask. */
export const KEEP_DAYS = 180;

/** The day a case is kept until after the worker asks on `today`: never earlier than they asked before. */
export const keptUntil = (today: string, before: string | null) => {
  const asked = addDays(today, KEEP_DAYS);
  return before && before > asked ? before : asked;
};

/** A hold's free reference (an expediente number) and note: limits the database enforces too (migrations/0027). */
export const HOLD_REFERENCE_MAX = 80;
export const HOLD_NOTE_MAX = 500;
