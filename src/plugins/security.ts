import fp from 'fastify-plugin';
import type { FhirServerPolicy } from './decorations.js';

/**
 * Request authentication and the outbound FHIR policy. Placeholder: no authentication, any fhirServer.
 * (Replaced by the EHR authentication work.)
 */
export default fp(
  async (app) => {
    const policy: FhirServerPolicy = { check: () => undefined };
    app.decorate('fhirServerPolicy', policy);
  },
  { name: 'security' },
);
