/**
 * Calendar-date arithmetic for the rules. Every clinical date is reduced to a calendar day (YYYY-MM-DD as written
 * in the record, time of day and zone dropped) and handled as a day number (days since 1970-01-01), so comparisons
 * are integer comparisons and month arithmetic is calendar arithmetic (knowledge.md §1: "add months, then days").
 */

export type Day = number;

const MS_PER_DAY = 86_400_000;

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
  // Dates as sent start with the year: skip the trim (a copy of the string) unless there is leading space.
  const text = isDigit(value, 0) ? value : value.trim();
  // YYYY, then optionally -MM, then optionally -DD (as /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/), read in place.
  if (!(isDigit(text, 0) && isDigit(text, 1) && isDigit(text, 2) && isDigit(text, 3))) return undefined;
  const year = digits(text, 0, 4);
  let month = 1;
  let day = 1;
  if (text.charCodeAt(4) === 45 && isDigit(text, 5) && isDigit(text, 6)) {
    month = digits(text, 5, 2);
    if (text.charCodeAt(7) === 45 && isDigit(text, 8) && isDigit(text, 9)) day = digits(text, 8, 2);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return dayFromParts(year, month, day);
}

/** An ASCII digit at `i` (as the regex class \d). */
const isDigit = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Proleptic Gregorian calendar, as Date.UTC; no Date is allocated. */
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Date.UTC reads a year 0–99 as 1900–1999; kept, so that every date resolves as before. */
const fullYear = (year: number) => (year >= 0 && year <= 99 ? 1900 + year : year);

function daysInMonth(year: number, month: number): number {
  // Month overflow/underflow as Date.UTC does it (month 13 = January of the next year).
  const total = fullYear(year) * 12 + (month - 1);
  const y = Math.floor(total / 12);
  const m = total - y * 12;
  return m === 1 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[m]!;
}

/** Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil), without a Date. */
function dayFromParts(year: number, month: number, day: number): Day {
  // Month overflow/underflow as Date.UTC does it (month 13 = January of the next year).
  const total = fullYear(year) * 12 + (month - 1);
  let y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil date of a day number (Howard Hinnant's civil_from_days), without a Date. */
function parts(day: Day): { year: number; month: number; day: number } {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: d };
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
  const p = parts(day);
  // Years 0000–9999 as toISOString writes them; other years (±YYYYYY) through Date.
  if (p.year < 0 || p.year > 9999) return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  return `${String(p.year).padStart(4, '0')}-${p.month < 10 ? '0' : ''}${p.month}-${p.day < 10 ? '0' : ''}${p.day}`;
}
