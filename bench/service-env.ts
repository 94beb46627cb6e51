import { randomBytes } from 'node:crypto';

/**
 * The environment the service runs with in the bench: production mode and production log level, with only
 * what a local loopback benchmark needs changed (and each change said why). Anything set in the caller's own
 * environment is inherited, so an extra production variable can be tried without editing this file.
 */
export interface ServiceEnvOptions {
  port: number;
  sqlitePath: string;
  /** Largest request the bench sends; the body limit must let the huge patient through. */
  maxRequestBytes: number;
}

export function serviceEnv(options: ServiceEnvOptions): Record<string, string> {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    PRETTY_LOGS: 'false',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    PUBLIC_BASE_URL: baseUrl,
    // The bench measures the service, not JWT verification (which has its own cost and is benchmarked apart).
    CDS_AUTH: 'off',
    // Required in production by the feedback store; a fresh random secret per run.
    PATIENT_HASH_SECRET: randomBytes(32).toString('hex'),
    // A throw-away card log, never the working tree's data/ directory.
    FEEDBACK_SQLITE_PATH: options.sqlitePath,
    // The fallback bench's FHIR server is a plain-http server on loopback: allow exactly that (docs/security.md;
    // this also admits loopback addresses, so FHIR_ALLOW_PRIVATE_NETWORK stays off).
    FHIR_ALLOW_HTTP_LOOPBACK: 'true',
    // The default (16 MiB) holds the huge patient: raised only if the bench ever sends more (issue #16 item 6).
    BODY_LIMIT_BYTES: String(Math.max(16 * 1_048_576, Math.ceil(options.maxRequestBytes * 1.25))),
    // The load generator would otherwise be shed or rate-limited as a single noisy client.
    RATE_LIMIT_PER_MINUTE: '0',
  };
}
