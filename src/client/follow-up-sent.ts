/**
 * @module "Lo que enviaste" on the follow-up page: who the worker chose, what they ticked under
 * "¿Qué pasó?", their words, and every file of the case they sent (the report's and their answers'),
 * counted against the case's limit. All opened in the page with the mailbox key, shown as text.
 */
import { ATTACHMENT_LIMITS, nameUnnamed } from '../domain/attachment';
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
