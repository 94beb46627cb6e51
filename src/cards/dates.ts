/** Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC so the result never depends on the server's time zone. */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE.test(value);
}

/** Add calendar months; the day is clamped to the month's end (2025-01-31 + 1 month = 2025-02-28). */
export function addMonths(isoDate: string, months: number): string {
  const match = ISO_DATE.exec(isoDate);
  if (match === null) throw new RangeError(`not an ISO date: ${isoDate}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]) - 1 + months, Number(match[3])];
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, lastDay))).toISOString().slice(0, 10);
}

export function isoDateOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Add calendar days. */
export function addDays(isoDate: string, days: number): string {
  if (days === 0) return isoDate;
  const match = ISO_DATE.exec(isoDate);
  if (match === null) throw new RangeError(`not an ISO date: ${isoDate}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days))
    .toISOString()
    .slice(0, 10);
}
