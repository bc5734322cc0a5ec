/**
 * @module The report form's questions: reading and checking the answers in the order the fields
 * appear, and marking the questions that need another look (for screen readers too: aria-invalid).
 */
import { LIMITS, type Category, type ReportPlaintext, type SendTo, type When } from '../domain/report';
import { $, msg, showErrors } from './page';

/** A field's text, trimmed; text of nothing but invisible characters counts as empty. */
function value(id: string): string {
  const text = ($<HTMLInputElement>(id).value ?? '').trim();
  return text.replace(/[\s\u200b-\u200d\u2060\ufeff\u00ad]/g, '') ? text : '';
}

function checked(form: HTMLFormElement, name: string): string[] {
  return [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);
}

/** Reads and checks the form; returns the problems in the order the fields appear. */
export function readForm(form: HTMLFormElement, lang: 'es' | 'en'): { report?: ReportPlaintext; problems: Array<[string, string]> } {
  const problems: Array<[string, string]> = [];
  const facility = value('facility');
  const categories = checked(form, 'category') as Category[];
  const when = checked(form, 'when')[0] as When | undefined;
  const sendTo = checked(form, 'send_to')[0] as SendTo | undefined;
  const description = value('description');
  const where = value('where');
  const who = value('who');
  if (!facility) problems.push(['facility', msg('errors.facility_required')]);
  if (categories.length === 0) problems.push(['categories', msg('errors.category_required')]);
  if (!when) problems.push(['when', msg('errors.when_required')]);
  if (!description) problems.push(['description', msg('errors.description_required')]);
  if (description.length > LIMITS.description || where.length > LIMITS.where || who.length > LIMITS.who) {
    problems.push(['description', msg('errors.too_long')]);
  }
  if (!sendTo) problems.push(['send-to', msg('errors.send_to_required')]);
  if (problems.length) return { problems };
  return {
    problems,
    report: { v: 1, channel: 'web', lang, facility, categories, when: when!, where, who, description, sendTo: sendTo! },
  };
}

/** Lists the problems, each a link to its question, and marks the questions (and each choice in them) invalid. */
export function showFieldProblems(form: HTMLFormElement, errorBox: HTMLElement, list: string[], fields: string[] = []) {
  form.querySelectorAll('[aria-invalid]').forEach((node) => node.removeAttribute('aria-invalid'));
  for (const id of fields) markInvalid($(id), true);
  showErrors(errorBox, list, msg('errors.heading'), fields);
}

function markInvalid(field: HTMLElement | null, invalid: boolean) {
  if (!field) return;
  for (const node of [field, ...field.querySelectorAll('input, select, textarea')]) {
    if (invalid) node.setAttribute('aria-invalid', 'true');
    else node.removeAttribute('aria-invalid');
  }
}

/** An answered question is no longer marked wrong. */
export function clearWhenAnswered(form: HTMLFormElement) {
  form.addEventListener('change', (e) => markInvalid((e.target as HTMLElement).closest('fieldset') ?? (e.target as HTMLElement), false));
  form.addEventListener('input', (e) => {
    const target = e.target as HTMLElement;
    if (target.matches('textarea, input[type=text]')) markInvalid(target, false);
  });
}
