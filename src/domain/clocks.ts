/**
 * @module The three clocks of a case, defined once (docs/trends.md "Clocks"): what stops each, from
 * which day it runs, and what "in time", "late", "pending" and "overdue" mean. Every surface (console,
 * follow-up page, constancia, digest, trends and CSV, public page, `decrypt`) reads them from here.
 */
import { addDays } from './case';

/**
 * Each side a case went to has its own three clocks, counted in days from the day the case was
 * released to that side (`startDay`):
 * - acknowledge: stopped by the first message that side sends the worker, an "Acusar recibo" or a reply.
 *   Marking the case "Leído" tells the worker nothing, so it does not stop it.
 * - answer: stopped by the next message that side sends the worker after the acknowledgement.
 * - close: stopped when that side puts the case in a final status.
 */
export const CLOCK_NAMES = ['acknowledge', 'answer', 'close'] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

/** A plant's deadlines in days; these when it set none (migrations/0005_trends.sql defaults). */
export type Deadlines = Record<ClockName, number>;
export const DEFAULT_DEADLINES: Deadlines = { acknowledge: 7, answer: 30, close: 90 };

/**
 * How a clock stands on a day: stopped on or before its due day (in time), stopped after it (late),
 * not stopped and the due day not past (pending), not stopped and the due day past (overdue).
 */
export const CLOCK_OUTCOMES = ['in_time', 'late', 'pending', 'overdue'] as const;
export type ClockOutcome = (typeof CLOCK_OUTCOMES)[number];

export interface CaseClock {
  due: string;
  /** The day the clock stopped, or null. */
  day: string | null;
  outcome: ClockOutcome;
}

/** The facts of one side that its clocks read. */
export interface ClockFacts {
  /** The day the case was released to this side. */
  startDay: string;
  /** That side's first message to the worker. */
  acknowledgedDay: string | null;
  /** That side's second message to the worker. */
  answeredDay: string | null;
  /** The day that side put the case in a final status (null while open). */
  closedDay: string | null;
}

/** One clock: `days` from `startDay`, stopped on `stopDay` (null if not yet), seen on `today`. */
export function clockOutcome(startDay: string, stopDay: string | null, days: number, today: string): CaseClock {
  const due = addDays(startDay, days);
  const outcome: ClockOutcome = stopDay ? (stopDay <= due ? 'in_time' : 'late') : today <= due ? 'pending' : 'overdue';
  return { due, day: stopDay, outcome };
}

const STOP: Record<ClockName, keyof ClockFacts> = { acknowledge: 'acknowledgedDay', answer: 'answeredDay', close: 'closedDay' };

/** A side's three clocks on `today`. */
export function caseClocks(facts: ClockFacts, deadlines: Deadlines, today: string): Record<ClockName, CaseClock> {
  const one = (name: ClockName) => clockOutcome(facts.startDay, facts[STOP[name]], deadlines[name], today);
  return { acknowledge: one('acknowledge'), answer: one('answer'), close: one('close') };
}

/** What is due next on a side: the first clock in order not stopped yet, or null once the side closed the case. */
export function dueNext(clocks: Record<ClockName, CaseClock>): { clock: ClockName; due: string; overdue: boolean } | null {
  if (clocks.close.day !== null) return null;
  const name = CLOCK_NAMES.find((n) => clocks[n].day === null);
  return name ? { clock: name, due: clocks[name].due, overdue: clocks[name].outcome === 'overdue' } : null;
}

/** The public page's coarser view of the acknowledgement: late and overdue shown together. */
export const publicAck = (o: ClockOutcome): 'in_time' | 'late' | 'pending' => (o === 'overdue' ? 'late' : o);

/**
 * The same outcome in SQL, for the figures computed over many cases at once: `stop` and `start` are
 * day expressions, `days` the deadline, `today` a day parameter. Matches clockOutcome exactly
 * (tests/worker/clocks-agree.test.ts).
 */
export const sqlClockOutcome = (stop: string, start: string, days: string, today: string) => `(CASE
    WHEN ${stop} IS NOT NULL THEN CASE WHEN ${stop} <= date(${start}, '+' || ${days} || ' days') THEN 'in_time' ELSE 'late' END
    WHEN ${today} <= date(${start}, '+' || ${days} || ' days') THEN 'pending' ELSE 'overdue' END)`;

/** The translated words every surface uses for the clocks (locales: `clock.*`). */
export const CLOCK_KEYS = [
  ...CLOCK_NAMES.map((n) => `clock.name.${n}`),
  ...CLOCK_OUTCOMES.map((o) => `clock.outcome.${o}`),
  ...CLOCK_OUTCOMES.map((o) => `clock.line.${o}`),
  'clock.due_next',
  'clock.due_next_overdue',
  'clock.nothing_due',
] as const;

/** The definition in words, in this order, wherever a surface explains its clocks. */
export const CLOCK_RULE_KEYS = ['clock.rules.start', 'clock.rules.acknowledge', 'clock.rules.answer', 'clock.rules.close', 'clock.rules.outcomes'] as const;

/** One clock as a line of text, with a translator and a day formatter: "Acuse de recibo: A tiempo, el … (plazo: …)". */
export function clockLine(
  t: (key: string, v?: Record<string, string | number>) => string,
  name: ClockName,
  c: CaseClock,
  day: (d: string) => string = (d) => d,
): string {
  return t(`clock.line.${c.outcome}`, {
    clock: t(`clock.name.${name}`),
    outcome: t(`clock.outcome.${c.outcome}`),
    day: c.day ? day(c.day) : '',
    due: day(c.due),
  });
}

/** What is due next as a line of text, for the top of a case. */
export function dueNextLine(
  t: (key: string, v?: Record<string, string | number>) => string,
  clocks: Record<ClockName, CaseClock>,
  day: (d: string) => string = (d) => d,
): string {
  const next = dueNext(clocks);
  if (!next) return t('clock.nothing_due');
  return t(next.overdue ? 'clock.due_next_overdue' : 'clock.due_next', { clock: t(`clock.name.${next.clock}`), due: day(next.due) });
}
