/**
 * @module How a case moves: statuses, legal transitions, severities, and the clocks.
 * Shared by the Worker and the console bundle.
 */

export const STATUSES = ['new', 'acknowledged', 'investigating', 'permission_asked', 'referred', 'resolved', 'not_substantiated'] as const;
export type Status = (typeof STATUSES)[number];

/**
 * Closing statuses: the case is done on that side (the close clock stops, retention counts from it).
 * `referred` is not one: the authority has the case and works it from then on (src/domain/case-sides.ts).
 */
export const FINAL_STATUSES: readonly Status[] = ['resolved', 'not_substantiated'];

/**
 * The moves a reader may make: new → acknowledged → investigating → resolved | not substantiated;
 * a closed case can be reopened. A monitor may ask the worker's permission to send the case to the
 * authority (`permission_asked`, only on a case the worker sent to the company alone: see
 * canAskPermission); no reader ever moves a case to `referred`, which only the worker's own
 * widening sets (src/domain/case-sides.ts REFERRAL).
 */
export const TRANSITIONS: Record<Status, readonly Status[]> = {
  new: ['acknowledged'],
  acknowledged: ['investigating', 'permission_asked', 'not_substantiated'],
  investigating: ['resolved', 'permission_asked', 'not_substantiated'],
  permission_asked: ['investigating', 'resolved', 'not_substantiated'],
  referred: ['investigating', 'resolved', 'not_substantiated'],
  resolved: ['investigating'],
  not_substantiated: ['investigating'],
};

export const canMove = (from: Status, to: Status) => TRANSITIONS[from].includes(to);

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const DAY_MS = 86_400_000;
const toUtc = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));

/** Whole days from one "YYYY-MM-DD" to another. */
export const daysBetween = (from: string, to: string) => Math.round((toUtc(to) - toUtc(from)) / DAY_MS);

/** "YYYY-MM-DD" plus n days. */
export const addDays = (day: string, n: number) => new Date(toUtc(day) + n * DAY_MS).toISOString().slice(0, 10);

/** Triage tags: plain words, numbers and everyday punctuation, but no comma (it separates them in the console). */
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 40;
export const TAG_PATTERN = /^[\p{L}\p{N} _.\/#()&+:'-]+$/u;
export const isValidTag = (tag: string) => tag.length >= 1 && tag.length <= MAX_TAG_LENGTH && TAG_PATTERN.test(tag);
