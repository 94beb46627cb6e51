import Fastify from 'fastify';
import { ConfigError, loadConfig } from './config/index.js';
import app from './app.js';
import { serverOptions } from './server-options.js';

/** Process concerns only: configuration, the listening server, and shutdown. */
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
  await server.register(app, { config });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      server.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    closing = true;
    server.readiness.shuttingDown = true;
    server.log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await server.listen({ port: config.port, host: config.host });
}

main().catch((err) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
