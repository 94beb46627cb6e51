/**
 * Calendar-date arithmetic for the rules. Every clinical date is reduced to a calendar day (YYYY-MM-DD as written
 * in the record, time of day and zone dropped) and handled as a day number (days since 1970-01-01), so comparisons
 * are integer comparisons and month arithmetic is calendar arithmetic (knowledge.md §1: "add months, then days").
 */

export type Day = number;

const MS_PER_DAY = 86_400_000;
const DATE_PREFIX = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;

export function dayFromParts(year: number, month: number, day: number): Day {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** The calendar day of a Date in UTC (the injected clock's "today"). */
export function dayFromInstant(instant: Date): Day {
  return Math.floor(instant.getTime() / MS_PER_DAY);
}

/**
 * A FHIR date/dateTime/instant as a calendar day. The date part is taken as written: a dose given at 23:30 local
 * time is recorded on that local day, which is what the clinician sees. Partial dates (YYYY, YYYY-MM) resolve to
 * the first day of the period. Returns undefined for anything unparseable.
 */
export function parseDay(value: unknown): Day | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE_PREFIX.exec(value.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : 1;
  const day = m[3] ? Number(m[3]) : 1;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return dayFromParts(year, month, day);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parts(day: Day): { year: number; month: number; day: number } {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Add calendar months; the day of month is clamped (31 Aug + 6 months = 28/29 Feb). */
export function addMonths(day: Day, months: number): Day {
  const p = parts(day);
  const total = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  return dayFromParts(year, month, Math.min(p.day, daysInMonth(year, month)));
}

export const addDays = (day: Day, days: number): Day => day + days;

/** Whole calendar months from `from` to `to` (floor), e.g. 2024-11-15 → 2025-06-15 = 7. */
export function wholeMonthsBetween(from: Day, to: Day): number {
  if (to < from) return -wholeMonthsBetween(to, from);
  const a = parts(from);
  const b = parts(to);
  let months = (b.year - a.year) * 12 + (b.month - a.month);
  if (addMonths(from, months) > to) months -= 1;
  return months;
}

/** Whole years of age at `on` (birthday counted on the day itself). */
export function ageInYears(birth: Day, on: Day): number {
  return Math.floor(wholeMonthsBetween(birth, on) / 12);
}

export function formatDay(day: Day): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}
