import Fastify, { type FastifyInstance } from 'fastify';
import app, { type AppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { serverOptions } from '../../src/server-options.js';
import { fixedClock } from '../../src/clock.js';

export const TEST_NOW = '2025-06-15T12:00:00Z';

/** Configuration from a test environment (defaults plus overrides), never from the developer's shell. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
}

/**
 * Build the app the way server.ts does, without listening: use `app.inject()`.
 * The clock is frozen at TEST_NOW unless a clock is given.
 */
export async function buildTestApp(
  options: { env?: Record<string, string>; logger?: unknown } & Partial<Omit<AppOptions, 'config'>> = {},
): Promise<FastifyInstance> {
  const config = testConfig(options.env);
  const server = Fastify(
    serverOptions(config, options.logger ? ({ logger: options.logger } as Record<string, unknown>) : {}),
  );
  await server.register(app, {
    config,
    clock: options.clock ?? fixedClock(TEST_NOW),
    ...(options.engine ? { engine: options.engine } : {}),
  });
  await server.ready();
  return server;
}
