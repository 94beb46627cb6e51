import fp from 'fastify-plugin';
import cors from '@fastify/cors';

/**
 * CORS for browser CDS clients (the CDS Hooks sandbox). Preflights are answered without authentication, allow
 * `Authorization` and `Content-Type`, and the CORS headers are also sent on error responses (the hook runs on
 * every request before anything can fail). No credentials are used, so `*` is safe as the default origin.
 * Chrome's Private Network Access preflight (a public https page calling localhost) is also answered.
 */
export default fp(
  async (app) => {
    const origins = app.config.corsOrigins;
    await app.register(cors, {
      origin: origins.length === 0 || origins.includes('*') ? '*' : origins,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Accept'],
      exposedHeaders: ['Retry-After', 'X-Request-Id'],
      maxAge: 600,
      strictPreflight: false,
      preflight: true,
    });
    app.addHook('onSend', async (request, reply) => {
      if (
        request.method === 'OPTIONS' &&
        request.headers['access-control-request-private-network'] === 'true'
      ) {
        reply.header('Access-Control-Allow-Private-Network', 'true');
      }
    });
  },
  { name: 'cors' },
);
