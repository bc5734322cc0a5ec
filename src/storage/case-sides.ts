/**
 * @module Where each side of a case is stored (migrations/0016_case_sides.sql), as SQL over a
 * report `r`. The report's own columns hold the lead side (src/domain/case-sides.ts); a case sent
 * to both keeps the authority's side in the authority_* columns.
 */
import { FINAL_STATUSES } from '../domain/case';
import { leadSide, type SendTo, type Side } from '../domain/case-sides';

type Column = 'status' | 'severity' | 'first_reply_day' | 'closed_day';

const FINAL = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');

/** The reader's own side of the case, where `role` is the SQL for the reader's role. */
export const ownColumn = (col: Column, role = '?1') => `(CASE WHEN ${role} = 'official' AND r.send_to = 'both' THEN r.authority_${col} ELSE r.${col} END)`;

/** The company's side (null when the worker did not send the case to the company). */
export const companyColumn = (col: Column) => `(CASE WHEN r.send_to <> 'authority' THEN r.${col} END)`;

/** The authority's side (null when the worker did not send the case to the authority). */
export const authorityColumn = (col: Column) => `(CASE r.send_to WHEN 'both' THEN r.authority_${col} WHEN 'authority' THEN r.${col} END)`;

/**
 * The day a side answered (src/domain/clocks.ts): its second message to the worker, where `role` is
 * the SQL for the role that works that side ('monitor' for the company's, 'official' for the authority's).
 */
export const sideAnswerDay = (role: string) =>
  `(SELECT m.day FROM messages m WHERE m.report_id = r.id AND m.kind = 'reply' AND m.author_role = ${role} ORDER BY m.seq LIMIT 1 OFFSET 1)`;

/**
 * The release a reader of `role` (SQL) got the case in: officials get a case the worker widened to
 * them at the release after the widening (migrations/0025_referral.sql), everyone else at the report's.
 */
export const ownRelease = (role = '?1') => `(CASE WHEN ${role} = 'official' THEN coalesce(r.authority_release_at, r.release_at) ELSE r.release_at END)`;

/** The day that reader received the case: the day of that release, from which their side's clocks run. */
export const ownReceivedDay = (role = '?1') =>
  `(CASE WHEN ${role} = 'official' AND r.authority_release_at IS NOT NULL THEN substr(r.authority_release_at, 1, 10) ELSE r.received_day END)`;

/** The column names one side of a case is stored in. */
export function sideColumns(sendTo: SendTo, side: Side): Record<Column, string> {
  const prefix = side === leadSide(sendTo) ? '' : 'authority_';
  return { status: `${prefix}status`, severity: `${prefix}severity`, first_reply_day: `${prefix}first_reply_day`, closed_day: `${prefix}closed_day` };
}

/**
 * The day the case closed as a whole (src/domain/case-sides.ts caseClosedDay): each side in a final
 * status, the later day of the two. Retention erases a case only from then (src/storage/retention.ts).
 */
export const CASE_CLOSED_DAY = `(CASE WHEN r.status IN (${FINAL}) AND r.closed_day IS NOT NULL
    AND (r.send_to <> 'both' OR (r.authority_status IN (${FINAL}) AND r.authority_closed_day IS NOT NULL))
  THEN max(r.closed_day, coalesce(r.authority_closed_day, r.closed_day)) END)`;
