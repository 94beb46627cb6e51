import { describe, expect, it } from 'vitest';
import { addMonths, ageInYears, formatDay, parseDay, wholeMonthsBetween } from '../../src/clinical/dates.js';

const d = (s: string) => parseDay(s)!;

describe('calendar arithmetic', () => {
  it('adds calendar months and clamps the day of month', () => {
    expect(formatDay(addMonths(d('2024-11-15'), 6))).toBe('2025-05-15');
    expect(formatDay(addMonths(d('2024-08-31'), 6))).toBe('2025-02-28');
    expect(formatDay(addMonths(d('2023-08-31'), 6))).toBe('2024-02-29');
    expect(formatDay(addMonths(d('2025-06-15'), -12))).toBe('2024-06-15');
  });
  it('takes the calendar date as written, partial dates as the first day, rejects nonsense', () => {
    expect(formatDay(d('2024-11-15T23:30:00-05:00'))).toBe('2024-11-15');
    expect(formatDay(d('2024-11'))).toBe('2024-11-01');
    expect(parseDay('2024-02-30')).toBeUndefined();
    expect(parseDay('yesterday')).toBeUndefined();
    expect(parseDay(42)).toBeUndefined();
  });
  it('counts whole months and years', () => {
    expect(wholeMonthsBetween(d('2024-11-15'), d('2025-06-15'))).toBe(7);
    expect(wholeMonthsBetween(d('2024-11-16'), d('2025-06-15'))).toBe(6);
    expect(ageInYears(d('1953-06-15'), d('2025-06-15'))).toBe(72);
    expect(ageInYears(d('1953-06-16'), d('2025-06-15'))).toBe(71);
  });
});
