import type { z } from 'zod';
import { HttpProblem } from '../../errors.js';
import { describeZodError } from './request.js';

/** The parsed value, or a 400 whose message names the offending fields (zod's issues, first five). */
export function parseOrBadRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { message, expression } = describeZodError(parsed.error);
  throw new HttpProblem(400, message, { expression });
}
