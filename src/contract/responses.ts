/**
 * @module The shapes the API answers with, for the Worker routes that build them (`c.json({...}
 * satisfies ...)`) and the browser bundles that read them (src/openapi/responses.ts documents the
 * same shapes). Types only: the reporter's and the worker's mailbox API here, the console's in
 * ./console-responses.ts.
 */
import type { SignedReaderList } from '../crypto/reader-list';
import type { Status } from '../domain/case';
import type { CaseClock, ClockFacts, ClockName, Deadlines } from '../domain/clocks';
import type { SendTo, Side, SideState } from '../domain/case-sides';

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
  /** The facts the reader's own side's clocks read, and the plant's deadlines (src/domain/clocks.ts caseClocks). */
  clockFacts: ClockFacts;
  deadlines: Deadlines;
  /**
   * Every side the worker sent the case to, for officials; for monitors the company's only: what
   * the authority does on a case is not the company's to watch (docs/privacy.md).
   */
  sides: SideState[];
  /** The worker's answers released since this reader last opened the case. */
  newAnswers: number;
  /** A legal hold's reason code, or null (src/domain/retention.ts). */
  holdReason: string | null;
  /** The hold's free reference (an expediente number) and note: for officials only, null for monitors. */
  holdReference: string | null;
  holdNote: string | null;
  /** The worker asked to keep the case until this day (POST /api/mailbox/keep). */
  keepUntil: string | null;
  lastActivityDay: string | null;
  /** The plant's retention overrides, null for the deployment's. */
  retentionClosedDays: number | null;
  retentionIdleDays: number | null;
  categories: string[];
  tags: string[];
  /** The content key sealed to this reader's key, or null if the report was sealed to other keys. */
  sealed: string | null;
  /** Other copies of it other readers shared (src/storage/shared-keys.ts): any may be garbage, so the console tries each. */
  sealedAlso: string[];
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
  /** Other copies of it other readers shared (readers only): any may be garbage, so the console tries each. */
  sealedAlso?: string[];
}

/** A thread message as a reader's case view has it (GET /console/api/cases/:id): with its author's key id. */
export type ConsoleThreadMessage = ThreadMessage & { authorKey: string | null };

/** A public key to seal to: a reader's, or the case mailbox's (keyId `mailbox`). */
export interface RecipientKey {
  keyId: string;
  /** X25519 public key, base64url. */
  boxPk: string;
}

/** GET /api/challenge: a proof-of-work challenge for one report at one facility. */
export interface PowChallenge {
  challenge: string;
  /** Leading zero bits the work needs. */
  bits: number;
}

/** GET /api/facilities/:id/recipients: the keys a report to the plant is sealed to, and the administrator's signed list of them. */
export interface FacilityRecipients {
  facility: { id: string; name: string };
  monitor: RecipientKey[];
  official: RecipientKey[];
  readers: SignedReaderList | null;
}

/** When readers get a report or an answer: the release it waits for. */
export interface ReleaseInfo {
  /** The release, ISO date and hour. */
  at: string;
  day: string;
  hour: number;
  relative: 'today' | 'tomorrow';
}

/** POST /api/reports: 201 with duplicate false the first time, 200 with duplicate true for a retry of the same bytes. */
export interface ReportAccepted {
  reportId: string;
  receivedDay: string;
  release: ReleaseInfo;
  duplicate: boolean;
  /** The proof of filing when the submission carried a constancia key and the deployment signs them. */
  constancia: string | null;
}

/** GET /api/mailbox/challenge. */
export interface MailboxChallenge {
  challenge: string;
}

/** POST /api/mailbox/thread: the case as its worker sees it, and what they can read. */
export interface MailboxThread {
  case: {
    id: string;
    facilityId: string;
    sendTo: SendTo;
    /** Each side the worker sent the case to, with its own status. */
    sides: Array<{ side: Side; status: Status }>;
    /** The lead side's status (the company's unless the case went to the authority only), for clients written before sides. */
    status: Status;
    receivedDay: string;
    /** When the case will be erased if nothing changes; null while on hold. */
    eraseDay: string | null;
    held: boolean;
    /** The worker's signed consent to send the case to the authority too, if they gave it (src/crypto/proofs.ts wideningMessage). */
    widenedConsent: string | null;
    /**
     * The release the worker's widening takes effect at ("YYYY-MM-DDTHH"), while it waits for it;
     * until then sendTo and sides are as before, for the worker as for every reader.
     */
    widenAt: string | null;
  };
  /** The report as sent, sealed to the mailbox too (reports since envelope format 2). */
  report: { body: string; sealed: string } | null;
  messages: ThreadMessage[];
  sealTo: RecipientKey[];
  readers: SignedReaderList | null;
}

/** One clock of a case (src/domain/clocks.ts). */
export type { CaseClock } from '../domain/clocks';

/** POST /api/mailbox/constancia: the proof of filing, and the clocks to show beside it. */
export interface MailboxConstancia {
  constancia: string;
  /** The plant's name on this site (the constancia names it by its id), null if it no longer exists. */
  facilityName: string | null;
  /** The lead side's clocks (src/domain/clocks.ts): the company's unless the case went to the authority only. */
  clocks: Record<ClockName, CaseClock>;
}

/** POST /api/mailbox/keep: the case's erase day now (null while on hold). */
export interface MailboxKept {
  eraseDay: string | null;
  held: boolean;
}

/** POST /api/mailbox/widen: the case now goes to the authority too (duplicate: it already did). */
export interface MailboxWidened {
  sendTo: SendTo;
  /** The release the widening takes effect at for both sides, officials getting the case ("YYYY-MM-DDTHH", Mexico City). */
  authorityRelease: string;
  readers: number;
  duplicate: boolean;
}

/** POST /api/mailbox/erase. */
export interface MailboxErased {
  erased: boolean;
  /** On legal hold: erased as soon as the hold is lifted. */
  held: boolean;
}

/** POST /api/mailbox/messages and /console/api/cases/:id/messages: 201 stored, 200 with duplicate true for a retry. */
export interface MessageStored {
  id: string;
  duplicate: boolean;
}

/** POST /api/constancia/verify. */
export type ConstanciaChecked =
  | { valid: true; facility: string; facilityName: string | null; day: string }
  | { valid: false; reason: 'invalid' | 'empty' | 'unavailable' };

/** GET /.well-known/buzon-constancia.json: the public key that signs constancias, for checking one offline. */
export interface ConstanciaPublicKey {
  v: 1;
  format: 'BZC1';
  algorithm: 'Ed25519';
  /** Ed25519 public key, base64url. */
  publicKey: string;
  /** What the signature covers, in words. */
  signed: string;
  spec: string;
}
