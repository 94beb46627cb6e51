import Fastify, { type FastifyInstance } from 'fastify';
import app from '../src/app.js';
import { loadConfig, type Config } from '../src/config/index.js';
import { serverOptions } from '../src/server-options.js';

/**
 * The service as production runs it, listening on loopback in the bench's own process (so its event loop and its
 * memory are the ones measured): production mode, no log output, no authentication (measured apart) and no rate
 * limit (the bench is one client). `env` adds or overrides variables on top of the caller's environment.
 */
export async function listenInProcess(
  env: Record<string, string>,
): Promise<{ server: FastifyInstance; baseUrl: string; config: Config }> {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    CDS_AUTH: 'off',
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  const server = Fastify(serverOptions(config));
  await server.register(app, { config });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, baseUrl: `http://127.0.0.1:${port}`, config };
}
