/**
 * @module The shapes the API answers with, for the Worker routes that build them and the browser
 * bundles that read them (src/openapi/responses.ts documents the same shapes). Types only.
 */
import type { Status } from '../domain/case';
import type { SideState } from '../domain/case-sides';

/** The decrypted report, as the form seals it and the console opens it (src/domain/report.ts). */
export type { EmailReportPlaintext, ReportPlaintext } from '../domain/report';
export type { ApiErrorBody, ErrorCode } from './errors';

/** One case in the console's list (GET /console/api/cases), and the case of GET /console/api/cases/:id. */
export interface CaseSummary {
  id: string;
  facilityId: string;
  facilityName: string;
  channel: 'web' | 'email';
  sendTo: 'monitor' | 'authority' | 'both';
  receivedDay: string;
  /** The reader's own side of the case (src/domain/case-sides.ts): status, severity and clocks. */
  status: Status;
  severity: string | null;
  assignee: string | null;
  firstReplyDay: string | null;
  closedDay: string | null;
  /**
   * Every side the worker sent the case to, for officials; for monitors the company's only: what
   * the authority does on a case is not the company's to watch (docs/privacy.md).
   */
  sides: SideState[];
  /** The worker's answers released since this reader last opened the case. */
  newAnswers: number;
  /** A legal hold's reason code, or null (src/domain/retention.ts). */
  holdReason: string | null;
  lastActivityDay: string | null;
  /** The plant's retention overrides, null for the deployment's. */
  retentionClosedDays: number | null;
  retentionIdleDays: number | null;
  categories: string[];
  tags: string[];
  /** The content key sealed to this reader's key, or null if the report was sealed to other keys. */
  sealed: string | null;
}

/** A message of a case's thread as the worker's mailbox reads it (POST /api/mailbox/thread). */
export interface ThreadMessage {
  id: string;
  seq: number;
  kind: 'reply' | 'answer' | 'note';
  authorRole: 'worker' | 'monitor' | 'official';
  day: string;
  /** The sealed body (base64url), or null where it cannot be read. */
  body: string | null;
  /** The message's content key sealed to the reader or mailbox asking; null for a note to others. */
  sealed: string | null;
}

/** A thread message as a reader's case view has it (GET /console/api/cases/:id): with its author's key id. */
export type ConsoleThreadMessage = ThreadMessage & { authorKey: string | null };
