/**
 * @module Release batches: reports and workers' answers reach readers only at fixed hours of the
 * Mexico City day, so no reader (least of all the company's monitor) learns when one arrived.
 *
 * A release is written "YYYY-MM-DDTHH" (Mexico City day and hour), so releases compare as strings.
 * What arrives is stamped with the next release; readers see what was stamped at or before the
 * last release that has passed. The day of a report's release is its "received day" for readers,
 * clocks and trends alike (docs/threat-model.md).
 */
import { addDays } from './case';

/** Default release hours: the start of the morning and of the afternoon shift. */
export const DEFAULT_RELEASE_HOURS: readonly number[] = [7, 15];

/** Release hours from a deployment setting like "7,15"; the default when missing or malformed. */
export function releaseHours(setting: string | undefined): number[] {
  const hours = (setting ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => /^\d{1,2}$/.test(h))
    .map(Number)
    .filter((h) => h >= 0 && h <= 23);
  const unique = [...new Set(hours)].sort((a, b) => a - b);
  return unique.length ? unique : [...DEFAULT_RELEASE_HOURS];
}

const clockFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Mexico_City',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
});

/** Mexico City day and hour of an instant. */
function mexicoDayHour(at: Date): { day: string; hour: number } {
  const parts = Object.fromEntries(clockFormat.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/** "YYYY-MM-DD": the Mexico City day of an instant. */
export const mexicoDayOf = (at: Date): string => mexicoDayHour(at).day;

const release = (day: string, hour: number) => `${day}T${String(hour).padStart(2, '0')}`;

/** The release that what arrives at this instant belongs to: the first release hour still to come. */
export function nextRelease(at: Date, hours: readonly number[]): string {
  const { day, hour } = mexicoDayHour(at);
  const later = hours.find((h) => h > hour);
  return later === undefined ? release(addDays(day, 1), hours[0]!) : release(day, later);
}

/** The last release that has passed at this instant: readers see everything stamped up to it. */
export function lastRelease(at: Date, hours: readonly number[]): string {
  const { day, hour } = mexicoDayHour(at);
  const past = [...hours].reverse().find((h) => h <= hour);
  return past === undefined ? release(addDays(day, -1), hours[hours.length - 1]!) : release(day, past);
}

/** The release `n` steps before `r` (n >= 0), for windows of whole batches. */
export function releaseBefore(r: string, hours: readonly number[], n: number): string {
  let day = r.slice(0, 10);
  let i = hours.indexOf(releaseHour(r));
  if (i < 0) i = hours.length - 1;
  for (let k = 0; k < n; k++) {
    if (--i < 0) {
      i = hours.length - 1;
      day = addDays(day, -1);
    }
  }
  return release(day, hours[i]!);
}

/** The day part of a release: the report's received day as readers, clocks and trends know it. */
export const releaseDay = (r: string) => r.slice(0, 10);

/** The hour part of a release (0-23). */
export const releaseHour = (r: string) => Number(r.slice(11, 13));
