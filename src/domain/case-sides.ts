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

/**
 * The worker's referral (docs/privacy.md "Bringing in the authority"). Only the worker can send a
 * case to the authority: from the follow-up page they widen a case sent to the company alone to
 * both sides, once, never back. The company's side then reads `referred` ("Enviado a la
 * autoridad"), unless the company had already closed it; the authority's side starts `new`, its
 * clocks from the release the case reaches officials in. A monitor can only ask the worker
 * (`permission_asked`). Neither status closes the case.
 */
export const REFERRAL = {
  /** Who the case may be widened from, and to. */
  from: 'monitor' as SendTo,
  to: 'both' as SendTo,
  /** The mailbox proof's action (src/crypto/proofs.ts); its signature is kept as the worker's consent. */
  action: 'widen:authority',
} as const;

/** Whether the worker can still send this case to the authority. */
export const canWiden = (sendTo: SendTo) => sendTo === REFERRAL.from;

/**
 * Who the worker's own answers go to: both sides as soon as the worker recorded the widening
 * (`widenAt`, the release it takes effect at), so officials can open what the worker writes while
 * it waits; readers' views change only at that release.
 */
export const workerSendTo = (sendTo: SendTo, widenAt: string | null): SendTo => (widenAt && canWiden(sendTo) ? REFERRAL.to : sendTo);

/** The company side's status once the worker widened: "sent to the authority", unless the company had closed it. */
export const statusAfterWidening = (company: Status): Status => (FINAL_STATUSES.includes(company) ? company : 'referred');

/** A monitor may ask permission only on a case the worker sent to the company alone; an official never needs to. */
export const canAskPermission = (role: ReaderRole, sendTo: SendTo) => role === 'monitor' && canWiden(sendTo);

/** The labels a page script needs to show a case's sides (src/client/case-sides.ts). */
export const CASE_SIDE_KEYS = ['case_side.company', 'case_side.authority', 'case_side.line', 'case_side.authority_private', 'case_side.own_side'] as const;
