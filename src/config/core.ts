import { z } from 'zod';
import { envBool, envInt, envList, parseSection, type Env } from './env.js';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
  PORT: envInt(3000, 0, 65535),
  HOST: z.string().min(1).optional().default('127.0.0.1'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .optional()
    .default('info'),
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .transform((v) => (v ?? '').replace(/\/+$/, '') || undefined),
  // 16 MiB: about 25,000 resources of a real chart; the bench's 10,000-resource patient is 5.6 MB. Ten such bodies at
  // once cost about 450 MB of RSS (bench/body-size.ts); heap-based load shedding guards beyond (issue #16 item 6).
  BODY_LIMIT_BYTES: envInt(16 * 1_048_576, 1024, 50 * 1_048_576),
  CORS_ORIGINS: envList(),
  FHIR_FETCH_DEADLINE_MS: envInt(2000, 50, 60_000),
  FHIR_MAX_PAGES: envInt(10, 1, 1000),
  FHIR_MAX_RESPONSE_BYTES: envInt(10 * 1_048_576, 1024, 500 * 1_048_576),
  FHIR_CAPABILITY_TTL_SECONDS: envInt(3600, 1, 7 * 24 * 3600),
  // Without `_count` a server pages at its own default (HAPI 20, some 10): a real chart then needs more pages than
  // FHIR_MAX_PAGES and the fallback ends in 412. 200 × 10 pages reads 2,000 resources per key; servers may cap it.
  FHIR_FALLBACK_PAGE_SIZE: envInt(200, 0, 1000),
  PRETTY_LOGS: envBool(false),
  // Issue 11 finding 7: 2,000 draft orders gave 1,000 cards and a 4.7 MB response. A real order session has a few
  // dozen drafts at most and a response a handful of cards; the minimum of MAX_CARDS leaves room for every
  // patient-view card (at most four, decision 15) and the notice.
  MAX_DRAFT_ORDERS: envInt(200, 10, 10_000),
  MAX_CARDS: envInt(25, 5, 1000),
  // A CDS Hooks request nests about 15 levels; JSON.parse spends seconds on millions (src/protocol/json-depth.ts).
  JSON_MAX_DEPTH: envInt(100, 20, 10_000),
});

export type CoreConfig = ReturnType<typeof parseCoreConfig>;

export function parseCoreConfig(env: Env) {
  const raw = parseSection(schema, env);
  return {
    nodeEnv: raw.NODE_ENV,
    isProduction: raw.NODE_ENV === 'production',
    port: raw.PORT,
    host: raw.HOST,
    logLevel: raw.LOG_LEVEL,
    prettyLogs: raw.PRETTY_LOGS,
    /** The base URL clients call (no trailing slash); when unset it is derived from each request's Host. */
    publicBaseUrl: raw.PUBLIC_BASE_URL,
    bodyLimitBytes: raw.BODY_LIMIT_BYTES,
    /** Deepest nesting of a JSON request body (400 beyond, before JSON.parse). */
    jsonMaxDepth: raw.JSON_MAX_DEPTH,
    /** Draft orders checked per request and cards per response (src/service/response-bounds.ts). */
    responseBounds: { maxDraftOrders: raw.MAX_DRAFT_ORDERS, maxCards: raw.MAX_CARDS },
    /** Empty list = any origin (`*`): CDS clients such as the sandbox send no credentials. */
    corsOrigins: raw.CORS_ORIGINS,
    fhir: {
      deadlineMs: raw.FHIR_FETCH_DEADLINE_MS,
      maxPages: raw.FHIR_MAX_PAGES,
      maxResponseBytes: raw.FHIR_MAX_RESPONSE_BYTES,
      /** How long a server's CapabilityStatement is trusted before `/metadata` is read again. */
      capabilityTtlMs: raw.FHIR_CAPABILITY_TTL_SECONDS * 1000,
      /** `_count` sent with each fallback search (0: none, the server's default page size). */
      pageSize: raw.FHIR_FALLBACK_PAGE_SIZE,
    },
  };
}
