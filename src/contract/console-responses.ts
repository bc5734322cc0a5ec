/**
 * @module The shapes the readers' console API answers with (sign-in, cases, sharing, trends), for
 * the routes that build them and src/client/console*.ts and trends.ts that read them. Types only.
 */
import type { SignedReaderList } from '../crypto/reader-list';
import type { Status } from '../domain/case';
import type { HoldReason, RetentionPolicy } from '../domain/retention';
import type { CaseSummary, ConsoleThreadMessage, RecipientKey } from './responses';

/** The dashboard as it travels (src/trends/view.ts). */
export type { DashboardView as TrendsView } from '../trends/view';

/** Who is signed in, as the session keeps it. */
export interface ReaderSession {
  keyId: string;
  role: 'monitor' | 'official';
  /** Monitors: the facilities they serve. */
  facilities: string[];
  /** Officials: their state, or null for every facility. */
  scopeState: string | null;
}

/** POST /console/api/signin/challenge: a challenge, and the Argon2id parameters for the passphrase (a decoy for an unknown key id). */
export interface SigninChallenge {
  challenge: string;
  kdf: { salt: string; ops: number; mem: number };
}

/** POST /console/api/signin. */
export interface SignedIn {
  /** Sent as Authorization: Bearer <token>. */
  token: string;
  reader: ReaderSession & { label: string };
}

/** GET /console/api/session. */
export interface ConsoleSession {
  reader: ReaderSession;
  facilities: Array<{ id: string; name: string }>;
  today: string;
}

/** GET /console/api/cases: one page of case summaries. */
export interface CaseList {
  cases: CaseSummary[];
  total: number;
  withNewAnswers: number;
  today: string;
}

/** POST /console/api/bodies: sealed report bodies by case id. */
export interface SealedBodies {
  bodies: Record<string, string | null>;
}

/** One change of a case's triage, as the audit of the case view lists them. */
export interface TriageEvent {
  seq: number;
  field: string;
  value: string | null;
  actor: string;
  day: string;
}

/** A stored file a reader may open: the report's (messageId null), or one of a released answer's. */
export interface CaseAttachment {
  id: string;
  chunks: number;
  messageId: string | null;
}

/** GET /console/api/cases/:id: a case with its sealed body, thread, triage, files and whom to seal to. */
export interface CaseDetail {
  case: CaseSummary;
  body: string | null;
  messages: ConsoleThreadMessage[];
  events: TriageEvent[];
  attachments: CaseAttachment[];
  monitors: Array<{ keyId: string; label: string }>;
  sealTo: { reply: RecipientKey[]; note: RecipientKey[] };
  readers: SignedReaderList | null;
  /** The content keys each reader holds for this case (report id and message ids), by key id: "Dar acceso" skips readers who have them all. */
  keyHolders: Record<string, string[]>;
  /** The worker's signed consent to the authority reading the case too, if they gave it (src/crypto/proofs.ts wideningMessage). */
  widenedConsent: string | null;
  retention: { eraseDay: string | null; holdReason: string | null; policy: RetentionPolicy };
}

/** POST /console/api/cases/:id/hold. */
export interface HoldSet {
  ok: true;
  holdReason: HoldReason | null;
}

/** GET /console/api/holds: the cases on hold in an official's jurisdiction. */
export interface HoldList {
  holds: Array<{ id: string; facilityName: string; receivedDay: string; holdReason: string }>;
}

/** POST /console/api/cases/:id/triage: the reader's side's status after the change. */
export interface Triaged {
  ok: true;
  status: Status;
}

/** POST /console/api/share/cases/:id. */
export interface Shared {
  to: string;
  /** Sealed keys stored as the reader's key now (they had none for that message). */
  added: number;
  given: number;
  /** Keys kept beside a different one the reader already had (which may not open): their console tries each. */
  alongside: number;
}

/** GET /console/api/trends/options: the filters' choices within the official's jurisdiction. */
export interface TrendsOptions {
  scopeState: string | null;
  facilities: Array<{ id: string; name: string; state: string | null; municipality: string | null; sector: string | null }>;
  states: string[];
  sectors: Array<{ id: string; label: string }>;
  from: string;
  to: string;
}
