/**
 * @module The only clock readings Buzón keeps: calendar days in Mexico City, never a time of day.
 */
const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Mexico_City',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** "YYYY-MM-DD" for the given instant, in Mexico City. */
export function mexicoDay(at: Date = new Date()): string {
  return dayFormat.format(at);
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
