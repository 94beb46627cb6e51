import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { ConfigError, type Config } from './config/index.js';
import { systemClock, type Clock } from './clock.js';
import { CdsEvents } from './observability/events.js';
import { createEngine, type CdsEngine } from './service/engine.js';
import { loadProjectKnowledge, type Knowledge } from './service/knowledge.js';
import { createEhrAdapter, SiteMappingError } from './ehr/adapter.js';
import corsPlugin from './plugins/external/cors.js';
import errorsPlugin from './plugins/app/errors.js';
import jsonBodyPlugin from './plugins/app/json-body.js';
import requestLogPlugin from './plugins/app/request-log.js';
import healthPlugin from './plugins/app/health.js';
import securityPlugin from './plugins/app/security.js';
import metricsPlugin from './plugins/app/metrics.js';
import loadSheddingPlugin from './plugins/external/load-shedding.js';
import openapiPlugin from './plugins/external/openapi.js';
import feedbackStorePlugin from './plugins/app/feedback-store.js';
import previewPlugin from './plugins/app/preview.js';
import discoveryRoutes from './routes/discovery.js';
import invokeRoutes from './routes/invoke.js';
import feedbackRoutes from './routes/feedback.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    clock: Clock;
    cdsEvents: CdsEvents;
  }
}

export interface AppOptions {
  config: Config;
  /** Source of "now" for the rules (default: the system clock). */
  clock?: Clock;
  /** Hook definitions, value sets and card content (default: the project's hooks/, valuesets/ and cards/). */
  knowledge?: Knowledge;
  /** The clinical engine (default: built from the configuration and the knowledge). */
  engine?: CdsEngine;
}

/**
 * The service as a Fastify plugin: external concerns first (errors, logging, CORS, health, security), then the
 * CDS Hooks routes. `server.ts` wraps it with process concerns; tests register it and call `inject()`.
 */
const app: FastifyPluginAsync<AppOptions> = async (fastify, options) => {
  const { config } = options;
  // Content is read and compiled first, synchronously, before load shedding starts watching the event loop.
  const knowledge = options.knowledge ?? loadProjectKnowledge();
  const { services } = knowledge;
  const engine = options.engine ?? createEngine(knowledge, config.clinical, config.responseBounds);
  fastify.decorate('config', config);
  fastify.decorate('clock', options.clock ?? systemClock);
  fastify.decorate('cdsEvents', new CdsEvents());

  // Only JSON is accepted (415 otherwise), nested at most JSON_MAX_DEPTH levels; application/fhir+json is JSON too.
  await fastify.register(jsonBodyPlugin, { maxDepth: config.jsonMaxDepth });
  await fastify.register(errorsPlugin);
  await fastify.register(requestLogPlugin);
  await fastify.register(corsPlugin);
  await fastify.register(openapiPlugin);
  await fastify.register(healthPlugin);
  await fastify.register(metricsPlugin);
  await fastify.register(loadSheddingPlugin);
  await fastify.register(securityPlugin);

  await fastify.register(feedbackStorePlugin, { catalogue: knowledge.cards });
  await fastify.register(previewPlugin, { services });

  await fastify.register(discoveryRoutes, { services });
  let ehr;
  try {
    ehr = await createEhrAdapter(
      {
        defaultProfile: config.ehr.defaultProfile,
        siteMappingPath: config.ehr.siteMappingPath,
        issuers: config.security.auth.issuers,
      },
      knowledge,
    );
  } catch (err) {
    if (err instanceof SiteMappingError)
      throw new ConfigError(`Invalid SITE_ORDER_MAPPING file: ${err.message}`);
    throw err;
  }
  await fastify.register(invokeRoutes, { services, engine, ehr });
  await fastify.register(feedbackRoutes, { services });
};

export default fp(app, { name: 'cds-app' });
