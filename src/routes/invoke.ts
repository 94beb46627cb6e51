import type { FastifyPluginAsync } from 'fastify';
import {
  cdsResponseJsonSchema,
  hookRequestJsonSchema,
  problemJsonSchema,
} from '../protocol/schemas/json-schemas.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';
import type { EhrAdapter } from '../ehr/adapter.js';
import type { CdsEngine } from '../service/engine.js';
import { createFhirAccess } from '../service/fhir-access.js';
import { invokeHook, type EhrSteps } from '../service/invoke.js';
import { reportBodyTooLarge, reportHookCall } from './hook-call-report.js';
import { serviceLookup } from './service-lookup.js';

const routeSchema = {
  summary: 'Invoke a CDS service',
  tags: ['cds-hooks'],
  params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
  body: hookRequestJsonSchema,
  response: { 200: cdsResponseJsonSchema, '4xx': problemJsonSchema, '5xx': problemJsonSchema },
};

/**
 * `POST /cds-services/{id}`: HTTP around `invokeHook` (src/service/invoke.ts): find the service, hand over the
 * body, the caller and the clock; the log line and the events (metrics, card log) are kept by hook-call-report.ts.
 */
const invokeRoutes: FastifyPluginAsync<{
  services: ServiceDefinition[];
  engine: CdsEngine;
  ehr: EhrAdapter;
}> = async (app, { services, engine, ehr }) => {
  const lookup = serviceLookup(services);
  const deps = {
    engine,
    fhir: createFhirAccess(app.config.fhir, {
      policy: app.fhirServerPolicy,
      onFetch: (e) => app.cdsEvents.emit('fhir.fetch', e),
    }),
    selfCheck: !app.config.isProduction,
    ehr: {
      normalise: ehr.normalise,
      shape: (cards, caller) => ehr.shape(cards, ehr.profileFor(caller?.issuer)),
    } satisfies EhrSteps,
  };

  // Validation is done by the service layer with zod, which names the offending field in its message.
  app.post<{ Params: { id: string } }>(
    '/cds-services/:id',
    {
      schema: routeSchema,
      validatorCompiler: () => () => true,
      onError: reportBodyTooLarge(app, lookup.find),
    },
    async (request) => {
      const service = lookup.get(request.params.id);
      const report = reportHookCall(app, request, service);
      const { caller } = request;
      const result = await invokeHook(service, request.body, {
        ...deps,
        now: app.clock(),
        ...(caller ? { caller } : {}),
        observer: report.observer,
      });
      report.completed(result);
      return { cards: result.cards };
    },
  );
};

export default invokeRoutes;
