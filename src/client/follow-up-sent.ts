/**
 * @module "Lo que enviaste" on the follow-up page: who the worker chose, what they ticked under
 * "¿Qué pasó?", their words, and every file of the case they sent (the report's and their answers'),
 * counted against the case's limit. All opened in the page with the mailbox key, shown as text.
 */
import { fromB64, fromUtf8, openReport, type MailboxKeys, type Sodium } from '../crypto';
import { ATTACHMENT_LIMITS, nameUnnamed } from '../domain/attachment';
import { canWiden, REFERRAL } from '../domain/case-sides';
import { SEND_TO, type SendTo } from '../domain/report';
import type { MailboxThread } from '../contract/responses';
import { $, msg } from './page';

/** What the worker sent, opened with the mailbox key. */
export interface SentReport {
  description?: string;
  text?: string;
  subject?: string;
  sendTo?: unknown;
  categories?: unknown;
  attachments?: unknown;
}

/** The report's own files as sealed in it, named as the console names them. */
const reportFiles = (report: SentReport) =>
  nameUnnamed(
    (Array.isArray(report.attachments) ? report.attachments : []).filter(
      (a): a is { name: string; type: string } => typeof a?.name === 'string' && typeof a?.type === 'string',
    ),
  ).map((a) => a.name);

/** Fills the panel; `chosen` is who the worker sealed it to (a send_to code) or null, `answerFiles` the names their answers brought. */
export function showSent(report: SentReport | null, chosen: string | null, answerFiles: string[]) {
  $('sent').hidden = !report;
  if (!report) return;
  $('sent-to').textContent = chosen ? msg('followup.sent_to', { who: msg(`send_to.${chosen}.label`) }) : '';
  const ticked = Array.isArray(report.categories) ? report.categories.filter((k): k is string => typeof k === 'string') : [];
  $('sent-categories').textContent = ticked.length ? msg('followup.sent_categories', { list: ticked.map((k) => msg(`categories.${k}.label`)).join(', ') }) : '';
  const files = [...reportFiles(report), ...answerFiles];
  $('sent-files').textContent = files.length ? msg('followup.sent_files', { count: files.length, max: ATTACHMENT_LIMITS.files, names: files.join(', ') }) : '';
  $('sent-text').textContent = [report.subject, report.description ?? report.text].filter(Boolean).join('\n\n');
}

/** The worker's own report, opened with the mailbox key; null before format 2 or without its mailbox copy. */
export function openSent(s: Sodium, thread: MailboxThread, mailbox: MailboxKeys): SentReport | null {
  if (!thread.report) return null;
  try {
    const { plain, format } = openReport(
      s,
      fromB64(s, thread.report.body),
      fromB64(s, thread.report.sealed),
      mailbox.box,
      { reportId: thread.case.id, facilityId: thread.case.facilityId },
      thread.case.receivedDay,
    );
    return format === 2 ? (JSON.parse(fromUtf8(plain)) as SentReport) : null;
  } catch {
    return null;
  }
}

/**
 * Who the worker chose, as they sealed it; null when the report cannot say (sent before format 2,
 * or its mailbox copy removed). Then no answer is sealed: the row alone could send it to the company.
 * `widened`: the worker widened it to the authority with their own signature, so both sides read what they send from then on.
 */
export function chosenSendTo(sent: SentReport | null, widened: boolean): SendTo | null {
  const chosen = (SEND_TO as readonly unknown[]).includes(sent?.sendTo) ? (sent!.sendTo as SendTo) : null;
  return chosen && canWiden(chosen) && widened ? REFERRAL.to : chosen;
}
