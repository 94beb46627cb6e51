import { addDays, addMonths, formatDay, parseDay } from '../clinical/dates.js';

/** ISO dates (YYYY-MM-DD) of suggestions; the calendar arithmetic is the rules' own (src/clinical/dates.ts). */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE.test(value);
}

/** Add calendar months (the day clamped to the month's end: 2025-01-31 + 1 month = 2025-02-28), then days. */
export function shiftIsoDate(isoDate: string, months: number, days = 0): string {
  const day = isIsoDate(isoDate) ? parseDay(isoDate) : undefined;
  if (day === undefined) throw new RangeError(`not an ISO date: ${isoDate}`);
  return formatDay(addDays(addMonths(day, months), days));
}

export function isoDateOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
