import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import type { HttpMethod } from '@medplum/fhir-router';
import type { FhirResource } from '../src/protocol/types.js';
import { FhirEngine } from './fhir-engine.js';
import { capabilityStatement } from './capability-statement.js';

/**
 * The demo's FHIR R4 server: the in-memory FHIR engine behind a small Fastify wrapper at `{origin}/fhir`.
 * CORS is open (any origin, no credentials) because the CDS Hooks sandbox reads it from the browser, including
 * `POST /{type}/_search` with a form body, which is how the sandbox runs prefetch searches.
 */

export interface DemoFhirServer {
  /** The FHIR base URL, e.g. http://127.0.0.1:8090/fhir */
  base: string;
  engine: FhirEngine;
  close(): Promise<void>;
}

export interface DemoFhirServerOptions {
  host?: string;
  port?: number;
  /** Transaction bundles loaded before the server starts listening. */
  bundles?: FhirResource[];
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export async function startDemoFhirServer(options: DemoFhirServerOptions = {}): Promise<DemoFhirServer> {
  const engine = new FhirEngine();
  for (const bundle of options.bundles ?? []) await engine.loadBundle(bundle);

  const app = Fastify({
    logger: false,
    bodyLimit: 20 * 1_048_576,
    routerOptions: { ignoreTrailingSlash: true },
  });
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Prefer', 'If-Match', 'If-None-Exist'],
    exposedHeaders: ['Location', 'Content-Location', 'ETag'],
    maxAge: 600,
  });
  // Chrome's Private Network Access: the https sandbox calling a FHIR server on localhost.
  app.addHook('onSend', async (request, reply) => {
    if (
      request.method === 'OPTIONS' &&
      request.headers['access-control-request-private-network'] === 'true'
    ) {
      reply.header('Access-Control-Allow-Private-Network', 'true');
    }
  });
  app.addContentTypeParser(
    ['application/fhir+json', 'application/json+fhir'],
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  registerRoutes(app, engine);

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return { base: `http://${host}:${port}/fhir`, engine, close: () => app.close() };
}

function registerRoutes(app: FastifyInstance, engine: FhirEngine): void {
  app.get('/fhir/metadata', async (request, reply) =>
    reply
      .header('content-type', FHIR_JSON)
      .send(capabilityStatement(`${request.protocol}://${request.host}/fhir`)),
  );

  // Search by POST: the form body holds the parameters (FHIR R4 3.1.0.8.1); answer as the same search by GET.
  app.post<{ Params: { type: string }; Body: Record<string, string> | undefined }>(
    '/fhir/:type/_search',
    async (request, reply) => {
      const params = new URLSearchParams(request.query as Record<string, string>);
      for (const [k, v] of Object.entries(request.body ?? {})) params.append(k, String(v));
      const answer = await engine.handle('GET', `${request.params.type}?${params.toString()}`);
      return reply.code(answer.status).header('content-type', FHIR_JSON).send(answer.body);
    },
  );

  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE'],
    url: '/fhir/*',
    handler: async (request, reply) => {
      const path = request.url.slice(request.url.indexOf('/fhir') + '/fhir'.length);
      const answer = await engine.handle(request.method as HttpMethod, path, request.body);
      return reply.code(answer.status).header('content-type', FHIR_JSON).send(answer.body);
    },
  });
  // POST to the base: a transaction or batch Bundle.
  app.post('/fhir', async (request, reply) => {
    const answer = await engine.handle('POST', '', request.body);
    return reply.code(answer.status).header('content-type', FHIR_JSON).send(answer.body);
  });
}
