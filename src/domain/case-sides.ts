/**
 * @module A case's sides. The worker chooses who reads: the company's neutrality monitors, the
 * labor authority, or both. Each side it went to works it with a status, severity and clocks of
 * its own; neither can move the other's. Shared by the Worker, the console and the follow-up page.
 */
import { FINAL_STATUSES, type Status } from './case';

export type Side = 'company' | 'authority';
export type SendTo = 'monitor' | 'authority' | 'both';
export type ReaderRole = 'monitor' | 'official';

/** The sides a case was sent to, the company's first. */
export const sidesOf = (sendTo: SendTo): Side[] => (sendTo === 'monitor' ? ['company'] : sendTo === 'authority' ? ['authority'] : ['company', 'authority']);

/** Monitors work the company's side, officials the authority's. */
export const sideOf = (role: ReaderRole): Side => (role === 'monitor' ? 'company' : 'authority');

/**
 * The side whose status the report's own columns hold and the figures count (docs/trends.md): the
 * company's whenever the worker sent the case to the company, the authority's when only to it.
 */
export const leadSide = (sendTo: SendTo): Side => (sendTo === 'authority' ? 'authority' : 'company');

/** One side's state of a case. */
export interface SideState {
  side: Side;
  status: Status;
  firstReplyDay: string | null;
  closedDay: string | null;
}

/** The day the case closed as a whole: every side it went to in a final status, on the last one's day. */
export function caseClosedDay(sides: readonly SideState[]): string | null {
  if (!sides.length || sides.some((x) => !FINAL_STATUSES.includes(x.status) || !x.closedDay)) return null;
  return sides.map((x) => x.closedDay!).sort().at(-1)!;
}


/** The labels a page script needs to show a case's sides (src/client/case-sides.ts). */
export const CASE_SIDE_KEYS = ['case_side.company', 'case_side.authority', 'case_side.line', 'case_side.authority_private', 'case_side.own_side'] as const;
