import { HttpProblem } from '../errors.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';

/** The services by id: `find` for a maybe, `get` for the route's service or a 404 naming the unknown id. */
export function serviceLookup(services: ServiceDefinition[]) {
  const byId = new Map(services.map((s) => [s.id, s]));
  return {
    find: (id: string) => byId.get(id),
    get(id: string): ServiceDefinition {
      const service = byId.get(id);
      if (!service) throw new HttpProblem(404, `Unknown CDS service "${id.slice(0, 64)}"`);
      return service;
    },
  };
}
