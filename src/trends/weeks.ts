/**
 * @module ISO weeks and months as the trends use them. A week is stored as the day of its Monday
 * ("YYYY-MM-DD", what SQLite's `date(day, '-6 days', 'weekday 1')` gives) and shown as its ISO
 * label ("2026-W07") where a program reads it (the filters, the CSV's name); people read it as the day it
 * starts ("semana del 14 de septiembre"). Nothing is ever finer than a week. Shared by the Worker and the console bundle.
 */
import { addDays, daysBetween } from '../domain/case';

const DAY_MS = 86_400_000;
const utc = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));

/** The Monday on or before a day (ISO weeks start on Monday). */
export function mondayOf(day: string): string {
  const weekday = (new Date(utc(day)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -weekday);
}

/** The SQL expression that gives the same Monday for a day column or parameter. */
export const sqlMondayOf = (expr: string) => `date(${expr}, '-6 days', 'weekday 1')`;

/** "2026-W07" for the week starting on a Monday (the ISO year is the year of its Thursday). */
export function isoWeekLabel(monday: string): string {
  const thursday = addDays(monday, 3);
  const year = thursday.slice(0, 4);
  const week = Math.floor((utc(thursday) - Date.UTC(Number(year), 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The widest range one dashboard view may cover, in weeks. */
export const MAX_WEEKS = 156;

export const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/** The Monday of an ISO week label, or null if the label is not a real week. */
export function mondayOfIsoWeek(label: string): string | null {
  const m = ISO_WEEK.exec(label);
  if (!m) return null;
  const week = Number(m[2]);
  const monday = addDays(mondayOf(`${m[1]}-01-04`), (week - 1) * 7); // 4 January is always in week 1
  return week >= 1 && isoWeekLabel(monday) === label ? monday : null;
}

/** Mondays from one week to another, both included. */
export function mondaysBetween(fromMonday: string, toMonday: string): string[] {
  const out: string[] = [];
  for (let d = fromMonday; d <= toMonday; d = addDays(d, 7)) out.push(d);
  return out;
}

/** Whole weeks from one Monday to another. */
export const weeksBetween = (fromMonday: string, toMonday: string) => Math.round(daysBetween(fromMonday, toMonday) / 7);

/** "YYYY-MM" months from one to another, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  for (let i = 0; i < 240; i++) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > to) break;
    out.push(month);
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y++;
  }
  return out;
}

/** The month n months before (negative) or after a "YYYY-MM" month. */
export function addMonths(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The last day of a "YYYY-MM" month. */
export const lastDayOfMonth = (month: string) => addDays(`${addMonths(month, 1)}-01`, -1);

/** "1 de diciembre de 2026" / "December 1, 2026". */
export function dayLabel(day: string, lang: string): string {
  return formatter(lang, 'long').format(utcDate(day));
}

/** "14 sept" / "Sep 14": a day on a chart's axis, where the whole date does not fit. */
export function shortDayLabel(day: string, lang: string): string {
  return formatter(lang, 'short').format(utcDate(day));
}

const utcDate = (day: string) => new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))));

// Making a formatter costs far more than using one, and a dashboard labels every week of every table.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: string, month: 'long' | 'short'): Intl.DateTimeFormat {
  const key = `${lang === 'en' ? 'en' : 'es'}:${month}`;
  let f = formatters.get(key);
  if (!f) {
    const locale = lang === 'en' ? 'en-US' : 'es-MX';
    f = new Intl.DateTimeFormat(locale, month === 'long' ? { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' } : { day: 'numeric', month: 'short', timeZone: 'UTC' });
    formatters.set(key, f);
  }
  return f;
}
