import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { projectPath } from '../paths.js';
import { ConfigError, envBool, envInt, parseSection, type Env } from './env.js';
import type { CoreConfig } from './core.js';

const schema = z.object({
  FEEDBACK_SQLITE_PATH: z.string().min(1).optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (letters, digits, _)')
    .optional()
    .default('public'),
  FEEDBACK_STORE_USER_COMMENTS: envBool(false),
  FEEDBACK_RETENTION_DAYS: envInt(0, 0, 36_500),
  FEEDBACK_PURGE_INTERVAL_MINUTES: envInt(60, 1, 7 * 24 * 60),
  FEEDBACK_QUEUE_MAX: envInt(10_000, 1, 1_000_000),
  FEEDBACK_BATCH_SIZE: envInt(200, 1, 1000),
  FEEDBACK_FLUSH_INTERVAL_MS: envInt(1000, 10, 60_000),
  FEEDBACK_SHUTDOWN_DRAIN_MS: envInt(5000, 0, 120_000),
});

export type StoreConfig = ReturnType<typeof parseStoreConfig>;

/**
 * Card log and feedback store. PostgreSQL when DATABASE_URL is set, otherwise an embedded SQLite file.
 * Secrets (DATABASE_URL, PATIENT_HASH_SECRET, ANALYTICS_ADMIN_TOKEN) are checked here by hand so that an error
 * message never echoes their value.
 */
export function parseStoreConfig(env: Env, core: CoreConfig) {
  const raw = parseSection(schema, env);
  const databaseUrl = parseDatabaseUrl(env.DATABASE_URL);
  const patientHashSecret = parseSecret(env, 'PATIENT_HASH_SECRET', 32);
  if (core.isProduction && patientHashSecret === undefined) {
    throw new ConfigError(
      'Invalid environment variable PATIENT_HASH_SECRET (missing): required in production (at least 32 characters)',
    );
  }
  const analyticsAdminToken = parseSecret(env, 'ANALYTICS_ADMIN_TOKEN', 24);
  return {
    backend: databaseUrl ? ('postgres' as const) : ('sqlite' as const),
    databaseUrl,
    /** PostgreSQL schema that holds the tables (created if missing). */
    databaseSchema: raw.DATABASE_SCHEMA,
    /** Tests default to an in-memory database so that no suite writes into the working tree. */
    sqlitePath: resolveSqlitePath(raw.FEEDBACK_SQLITE_PATH, core.nodeEnv),
    patientHashSecret,
    /** `overrideReason.userComment` is free text that may hold PHI: kept only when explicitly enabled. */
    storeUserComments: raw.FEEDBACK_STORE_USER_COMMENTS,
    /** Unset = the analytics route is not registered (404). */
    analyticsAdminToken,
    /** 0 = keep records for ever. */
    retentionDays: raw.FEEDBACK_RETENTION_DAYS,
    purgeIntervalMs: raw.FEEDBACK_PURGE_INTERVAL_MINUTES * 60_000,
    queue: {
      maxRecords: raw.FEEDBACK_QUEUE_MAX,
      batchSize: raw.FEEDBACK_BATCH_SIZE,
      flushIntervalMs: raw.FEEDBACK_FLUSH_INTERVAL_MS,
      shutdownDrainMs: raw.FEEDBACK_SHUTDOWN_DRAIN_MS,
    },
  };
}

function resolveSqlitePath(value: string | undefined, nodeEnv: string): string {
  if (value === ':memory:') return value;
  if (value === undefined)
    return nodeEnv === 'test' ? ':memory:' : projectPath('data', 'cds-feedback.sqlite');
  return isAbsolute(value) ? value : resolve(value);
}

function parseDatabaseUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('Invalid environment variable DATABASE_URL (value hidden): must be a URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      'Invalid environment variable DATABASE_URL (value hidden): must start with postgres://',
    );
  }
  return value;
}

function parseSecret(env: Env, name: string, minLength: number): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (value.trim().length < minLength) {
    throw new ConfigError(
      `Invalid environment variable ${name} (value hidden): must be at least ${minLength} characters`,
    );
  }
  return value;
}
