import Fastify, { type FastifyInstance } from 'fastify';

/**
 * A real HTTP JWKS endpoint (port 0) whose answer the test controls: the key set, an outage mode, and a count of
 * the requests it received (to prove that a URL was, or was not, fetched).
 */
export type JwksMode = 'ok' | 'hang' | 'error' | 'huge';

export interface JwksServer {
  url: string;
  hits: number;
  setKeys(jwks: { keys: unknown[] }): void;
  setMode(mode: JwksMode): void;
  close(): Promise<void>;
}

export async function startJwksServer(initial: { keys: unknown[] } = { keys: [] }): Promise<JwksServer> {
  let jwks = initial;
  let mode: JwksMode = 'ok';
  const server: FastifyInstance = Fastify({ logger: false });
  const state = { hits: 0 };
  server.get('/*', async (_request, reply) => {
    state.hits++;
    if (mode === 'hang') return new Promise(() => undefined);
    if (mode === 'error') return reply.code(503).send({ error: 'down' });
    if (mode === 'huge') return reply.send({ keys: jwks.keys, padding: 'x'.repeat(200_000) });
    return reply.header('content-type', 'application/jwk-set+json').send(jwks);
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get hits() {
      return state.hits;
    },
    set hits(v: number) {
      state.hits = v;
    },
    setKeys: (k) => (jwks = k),
    setMode: (m) => (mode = m),
    close: async () => {
      server.server.closeAllConnections();
      await server.close();
    },
  };
}
