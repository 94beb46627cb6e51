import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config/index.js';
import app from './app.js';
import { serverOptions } from './server-options.js';

/**
 * Process concerns only: configuration, the listening server, and graceful shutdown.
 *
 * On SIGTERM/SIGINT: /readyz turns 503, then (after SHUTDOWN_DRAIN_DELAY_MS, for load balancers to notice) the
 * listener closes, in-flight requests finish, onClose hooks close the stores, and the process exits 0. If that
 * takes longer than SHUTDOWN_TIMEOUT_MS, or a second signal arrives, it exits 1 at once.
 */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const server = Fastify(serverOptions(config));
  // Slow-header (slowloris) clients are cut off well before the request timeout; Fastify has no option for it.
  server.server.headersTimeout = config.ops.timeouts.headersMs;

  const { timeoutMs, drainDelayMs } = config.ops.shutdown;
  closeWithGrace(
    {
      delay: timeoutMs,
      logger: false,
      onSecondSignal: (signal) => server.log.warn({ signal }, 'second signal: exiting now'),
      onTimeout: (delay) => server.log.error({ timeoutMs: delay }, 'shutdown deadline passed: exiting now'),
    },
    async ({ signal, err }) => {
      if (err) server.log.error({ err }, 'fatal error: shutting down');
      else server.log.info({ signal }, 'shutting down');
      // A signal during start-up can arrive before the health plugin has decorated the server.
      if (server.hasDecorator('readiness')) {
        server.readiness.shuttingDown = true;
        // onClose work (e.g. the feedback-queue drain) must end before close-with-grace's deadline kills us;
        // keep a small margin for the last log lines.
        server.readiness.shutdownDeadline = Date.now() + timeoutMs - 250;
      }
      if (drainDelayMs > 0) await sleep(drainDelayMs);
      await server.close();
      server.log.info('shutdown complete');
    },
  );

  await server.register(app, { config });
  await server.listen({ port: config.port, host: config.host });
}

main().catch((err) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
