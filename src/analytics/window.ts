import { z } from 'zod';
import { HttpProblem } from '../errors.js';
import { parseOrBadRequest } from '../protocol/schemas/parse.js';
import type { TimeWindow } from '../store/types.js';

const DAY_MS = 86_400_000;
const DEFAULT_WINDOW_DAYS = 30;

/** `YYYY-MM-DD`, optionally `THH:MM[:SS[.fff]]`, optionally a zone (`Z` or `±HH:MM`). */
const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * An ISO 8601 date or date-time as a Date. A time without a zone is read as UTC (never the server's local zone,
 * which differs between a laptop and a container); an impossible calendar date (2025-02-30) is refused rather
 * than rolled over into the next month. Undefined when the text is not such a date.
 */
export function parseIsoDateTime(text: string): Date | undefined {
  const match = ISO_PATTERN.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, zone] = match;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (
    calendar.getUTCFullYear() !== Number(year) ||
    calendar.getUTCMonth() !== Number(month) - 1 ||
    calendar.getUTCDate() !== Number(day)
  ) {
    return undefined;
  }
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)) {
    return undefined;
  }
  const value = Date.parse(hour !== undefined && zone === undefined ? `${text}Z` : text);
  return Number.isNaN(value) ? undefined : new Date(value);
}

const isoDateTime = z
  .string()
  .refine((v) => parseIsoDateTime(v) !== undefined, 'must be an ISO 8601 date or date-time');

export const windowQuerySchema = z
  .object({
    from: isoDateTime.optional().describe('ISO 8601 start (inclusive)'),
    to: isoDateTime.optional().describe('ISO 8601 end (exclusive), default now'),
    days: z.coerce
      .number()
      .int()
      .min(1)
      .max(36_500)
      .optional()
      .describe(`window length in days (default ${DEFAULT_WINDOW_DAYS})`),
  })
  .refine((q) => !(q.days !== undefined && q.from !== undefined && q.to !== undefined), {
    message: 'give at most two of from, to and days',
  });

export type WindowQuery = z.output<typeof windowQuerySchema>;

/**
 * The report window [from, to): `to` defaults to now, `from` to `days` (default 30) before `to`; with `from` and
 * no `to`, the window runs from `from` to now (or `days` after `from`).
 */
export function resolveWindow(query: WindowQuery, now: Date): TimeWindow {
  if (query.from !== undefined) {
    const from = parseIsoDateTime(query.from)!;
    const to =
      query.to !== undefined
        ? parseIsoDateTime(query.to)!
        : query.days !== undefined
          ? new Date(from.getTime() + query.days * DAY_MS)
          : now;
    return { from, to };
  }
  const to = query.to !== undefined ? parseIsoDateTime(query.to)! : now;
  return { from: new Date(to.getTime() - (query.days ?? DEFAULT_WINDOW_DAYS) * DAY_MS), to };
}

/** The report window an HTTP query asks for, or a 400 naming what is wrong with it. */
export function windowFromQuery(query: unknown, now: Date): TimeWindow {
  const window = resolveWindow(parseOrBadRequest(windowQuerySchema, query), now);
  if (window.from.getTime() >= window.to.getTime()) throw new HttpProblem(400, '"from" must be before "to"');
  return window;
}
