import Fastify, { type FastifyInstance } from 'fastify';
import app, { type AppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { serverOptions } from '../../src/server-options.js';
import { fixedClock } from '../../src/clock.js';

export const TEST_NOW = '2025-06-15T12:00:00Z';

/** Configuration from a test environment (defaults plus overrides), never from the developer's shell. */
export function testConfig(env: Record<string, string> = {}): Config {
  // The FHIR stand-in listens on loopback, which the outbound SSRF guard refuses unless allowed.
  // Event-loop-delay shedding is off unless a test turns it on: on a loaded machine (seven test runs on two cores)
  // the app's own start-up stalls the loop for over a second, and the next request would get a 503.
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    FHIR_ALLOW_PRIVATE_NETWORK: 'true',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
}

/**
 * Build the app the way server.ts does, without listening: use `app.inject()`.
 * The clock is frozen at TEST_NOW unless a clock is given.
 */
export async function buildTestApp(
  options: {
    env?: Record<string, string>;
    /** Capture the service's log lines (pino JSON) in this stream, at the configured LOG_LEVEL. */
    logStream?: { write(line: string): void };
  } & Partial<Omit<AppOptions, 'config'>> = {},
): Promise<FastifyInstance> {
  const config = testConfig(options.env);
  const server = Fastify(serverOptions(config, options.logStream ? { destination: options.logStream } : {}));
  await server.register(app, {
    config,
    clock: options.clock ?? fixedClock(TEST_NOW),
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.knowledge ? { knowledge: options.knowledge } : {}),
  });
  await server.ready();
  return server;
}
