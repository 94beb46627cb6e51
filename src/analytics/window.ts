import { z } from 'zod';
import type { TimeWindow } from '../store/types.js';

const DAY_MS = 86_400_000;
export const DEFAULT_WINDOW_DAYS = 30;

const isoDateTime = z
  .string()
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)),
    'must be an ISO 8601 date or date-time',
  );

export const windowQuerySchema = z
  .object({
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    days: z.coerce.number().int().min(1).max(36_500).optional(),
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
    const from = new Date(query.from);
    const to =
      query.to !== undefined
        ? new Date(query.to)
        : query.days !== undefined
          ? new Date(from.getTime() + query.days * DAY_MS)
          : now;
    return { from, to };
  }
  const to = query.to !== undefined ? new Date(query.to) : now;
  return { from: new Date(to.getTime() - (query.days ?? DEFAULT_WINDOW_DAYS) * DAY_MS), to };
}
