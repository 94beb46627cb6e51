import { getHeapStatistics } from 'node:v8';
import { z } from 'zod';
import { ConfigError, envBool, envInt, parseSection, type Env } from './env.js';
import type { CoreConfig } from './core.js';

const MINUTE = 60_000;

const schema = z
  .object({
    METRICS_ENABLED: envBool(true),
    // Docker sends SIGKILL 10 s after SIGTERM by default: finish (or give up) before that.
    SHUTDOWN_TIMEOUT_MS: envInt(8_000, 100, 10 * MINUTE),
    SHUTDOWN_DRAIN_DELAY_MS: envInt(0, 0, 5 * MINUTE),
    REQUEST_TIMEOUT_MS: envInt(30_000, 1_000, 10 * MINUTE),
    HEADERS_TIMEOUT_MS: envInt(10_000, 1_000, 10 * MINUTE),
    KEEP_ALIVE_TIMEOUT_MS: envInt(72_000, 1_000, 30 * MINUTE),
    LOAD_SHEDDING_ENABLED: envBool(true),
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: envInt(1_000, 0, MINUTE),
    PRESSURE_MAX_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).optional().default(0),
    PRESSURE_MAX_HEAP_USED_BYTES: z.coerce.number().int().min(0).optional(),
    PRESSURE_MAX_RSS_BYTES: envInt(0, 0),
    PRESSURE_SAMPLE_INTERVAL_MS: envInt(1_000, 10, MINUTE),
    PRESSURE_RETRY_AFTER_S: envInt(10, 1, 3_600),
    OPENAPI_UI: envBool(true),
  })
  .refine((v) => v.SHUTDOWN_DRAIN_DELAY_MS < v.SHUTDOWN_TIMEOUT_MS, {
    message: 'must be shorter than SHUTDOWN_TIMEOUT_MS',
    path: ['SHUTDOWN_DRAIN_DELAY_MS'],
  })
  .refine((v) => v.HEADERS_TIMEOUT_MS <= v.REQUEST_TIMEOUT_MS, {
    // Node refuses a headers timeout longer than the request timeout.
    message: 'must not exceed REQUEST_TIMEOUT_MS',
    path: ['HEADERS_TIMEOUT_MS'],
  });

/** Operations: metrics, shutdown, server timeouts, load shedding and the OpenAPI UI. */
export function parseOpsConfig(env: Env, core: CoreConfig) {
  // An empty value (`NAME=` in an env file, compose interpolating an unset variable) means unset: a number
  // coerced from '' would be 0, which for the PRESSURE_* limits silently switches load shedding off.
  const raw = parseSection(
    schema,
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')),
  );
  return {
    metrics: { enabled: raw.METRICS_ENABLED, token: parseMetricsToken(env.METRICS_TOKEN) },
    shutdown: { timeoutMs: raw.SHUTDOWN_TIMEOUT_MS, drainDelayMs: raw.SHUTDOWN_DRAIN_DELAY_MS },
    timeouts: {
      requestMs: raw.REQUEST_TIMEOUT_MS,
      headersMs: raw.HEADERS_TIMEOUT_MS,
      keepAliveMs: raw.KEEP_ALIVE_TIMEOUT_MS,
    },
    loadShedding: {
      enabled: raw.LOAD_SHEDDING_ENABLED,
      maxEventLoopDelayMs: raw.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: raw.PRESSURE_MAX_EVENT_LOOP_UTILIZATION,
      // Unset: 90 % of the V8 heap limit, which tracks --max-old-space-size and the container's memory.
      maxHeapUsedBytes:
        raw.PRESSURE_MAX_HEAP_USED_BYTES ?? Math.floor(getHeapStatistics().heap_size_limit * 0.9),
      maxRssBytes: raw.PRESSURE_MAX_RSS_BYTES,
      sampleIntervalMs: raw.PRESSURE_SAMPLE_INTERVAL_MS,
      retryAfterSeconds: raw.PRESSURE_RETRY_AFTER_S,
    },
    // Swagger UI is a convenience for development: off by default in production (its static files and plugin
    // cost start-up time and memory); /openapi.json is always served.
    openapiUi:
      env.OPENAPI_UI === undefined || env.OPENAPI_UI === '' ? core.nodeEnv !== 'production' : raw.OPENAPI_UI,
  };
}

/**
 * METRICS_TOKEN is a secret: checked by hand so that an error message never echoes it. Shorter than 16 characters
 * is too easy to guess to be worth having; empty means unset.
 */
function parseMetricsToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 16) {
    throw new ConfigError(
      'Invalid environment variable METRICS_TOKEN (value hidden): must be at least 16 characters',
    );
  }
  return value;
}
