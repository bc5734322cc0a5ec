/**
 * @module What a report is: the taxonomy, the reporter's choices, and field limits.
 * Shared by the Worker and the browser bundle, so it imports nothing.
 */

/** Stable category codes; labels live in locales/ under categories.<code>. */
export const CATEGORIES = [
  'intimidation',
  'coercion',
  'non_neutrality',
  'union_interference',
  'dismissal',
  'retaliation',
  'access_denied',
  'company_union',
  'vote_irregularities',
  'neutrality_breach',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const WHEN = ['this_week', 'this_month', 'earlier'] as const;
export type When = (typeof WHEN)[number];

/** Who the worker lets read the report. */
export const SEND_TO = ['monitor', 'authority', 'both'] as const;
export type SendTo = (typeof SEND_TO)[number];

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Limits in characters, enforced in the form and (as bytes) on the server. */
export const LIMITS = {
  where: 300,
  who: 500,
  description: 10_000,
} as const;

/** The report as the worker wrote it; only ever exists in clear on the phone and in a reader's browser. */
export interface ReportPlaintext {
  v: 1;
  channel: 'web';
  lang: Language;
  facility: string;
  categories: Category[];
  when: When;
  where: string;
  who: string;
  description: string;
  sendTo: SendTo;
  /** Since envelope format 2: the case mailbox's public keys, so readers can check the stored ones. */
  mailbox?: MailboxPublicKeys;
}

/** The case mailbox's public keys (base64url), sealed inside the report by whoever made the mailbox. */
export interface MailboxPublicKeys {
  boxPk: string;
  signPk: string;
}

/** A file that came with an email report, its bytes in base64url (no padding). */
export interface EmailAttachment {
  name: string;
  type: string;
  /** Decoded size in bytes. */
  size: number;
  data: string;
}

/**
 * A report that arrived by mail, as sealed at the edge (src/email/). No sender address, no date,
 * no category: monitors classify it. `raw` is the message itself (its top-level header block
 * reduced to the MIME headers) when it could not be parsed completely.
 */
export interface EmailReportPlaintext {
  v: 1;
  channel: 'email';
  /** A guess from the words used. */
  lang: Language;
  facility: string;
  subject: string;
  text: string;
  attachments: EmailAttachment[];
  raw?: string;
  mailbox?: MailboxPublicKeys;
  /** Since format 2: who the mail went to, by the plant's setting (the sender chose nothing). */
  sendTo?: SendTo;
}

/** Recipient roles each choice reaches. */
export function rolesFor(sendTo: SendTo): Array<'monitor' | 'official'> {
  if (sendTo === 'monitor') return ['monitor'];
  if (sendTo === 'authority') return ['official'];
  return ['monitor', 'official'];
}
