/**
 * @module Routing: which facility an intake address belongs to, and who reads its mail.
 */
import { SEND_TO, type SendTo } from '../domain/report';
import type { Deadlines } from '../domain/clocks';
import { mailFacilityByLocal } from '../storage/facilities';

export interface MailFacility {
  id: string;
  /** The facility's address, as the acknowledgement's sender. */
  address: string;
  /** Who reads the facility's email reports (facilities.mail_send_to). */
  mailSendTo: SendTo;
  /** Mail reports accepted per release day (facilities.mail_daily_cap). */
  mailDailyCap: number;
  /** The plant's deadlines, for the acknowledgement (src/domain/clocks.ts). */
  deadlines: Deadlines;
}

/**
 * The active facility whose intake address is `to` (`<email_local>@<domain>`, case-insensitive),
 * or null for any other address.
 */
export async function facilityForAddress(db: D1Database, to: string, domain: string): Promise<MailFacility | null> {
  const address = to.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.slice(at + 1) !== domain.toLowerCase()) return null;
  const local = address.slice(0, at);
  const row = await mailFacilityByLocal(db, local);
  if (!row || !(SEND_TO as readonly string[]).includes(row.mailSendTo)) return null;
  const deadlines = { acknowledge: row.acknowledge, answer: row.answer, close: row.close };
  return { id: row.id, address, mailSendTo: row.mailSendTo as SendTo, mailDailyCap: row.mailDailyCap, deadlines };
}
