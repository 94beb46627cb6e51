import { z } from 'zod';

/** Raised when an environment variable is invalid; the message is one line that names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Environment values arrive as strings; these helpers turn them into typed values with readable errors. */
export const envBool = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? defaultValue : ['true', '1', 'yes'].includes(v)));

export const envInt = (defaultValue: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).optional().default(defaultValue);

export const envList = () =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    );

export type Env = Record<string, string | undefined>;

/** Parse one section of the configuration; an error names the first offending variable. */
export function parseSection<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = issue.path.join('.') || '(environment)';
  const value = env[String(issue.path[0])];
  const shown = value === undefined ? 'missing' : `"${value.length > 60 ? value.slice(0, 60) + '…' : value}"`;
  throw new ConfigError(`Invalid environment variable ${variable} (${shown}): ${issue.message}`);
}
