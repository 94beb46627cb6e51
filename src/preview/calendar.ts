/**
 * Calendar arithmetic for demo data, in UTC calendar dates (YYYY-MM-DD). Months are added the way the rules count
 * them (add months, clamp to the month's last day, then add days), so a demo dose "7 months ago" lands exactly
 * where the rules expect it, whatever today is.
 */

export interface Offset {
  years?: number;
  months?: number;
  days?: number;
}

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/** `now` shifted back by the offset, as a calendar date. */
export function dateBefore(now: Date, offset: Offset): string {
  const months = (offset.years ?? 0) * 12 + (offset.months ?? 0);
  const total = now.getUTCFullYear() * 12 + now.getUTCMonth() - months;
  const year = Math.floor(total / 12);
  const monthIndex = total - year * 12;
  const day = Math.min(now.getUTCDate(), daysInMonth(year, monthIndex));
  const shifted = new Date(Date.UTC(year, monthIndex, day) - (offset.days ?? 0) * 86_400_000);
  return shifted.toISOString().slice(0, 10);
}

/** Today (the injected now) as a calendar date. */
export const today = (now: Date): string => now.toISOString().slice(0, 10);
