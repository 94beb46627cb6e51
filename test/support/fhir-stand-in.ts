import Fastify, { type FastifyInstance } from 'fastify';
import type { FhirResource } from '../../src/protocol/types.js';

/**
 * A small FHIR R4 server over real HTTP, for tests and benchmarks of the prefetch fallback: instance reads,
 * searches by `patient`/`subject` (and `code` token lists on Observation), paging with `_count` and `next` links,
 * plus knobs to inject latency, failures, redirects and oversized answers. It records every request it gets.
 */
export interface StandInOptions {
  resources?: FhirResource[];
  latencyMs?: number;
  pageSize?: number;
}

export interface SeenRequest {
  method: string;
  url: string;
  authorization?: string;
}

export interface FhirStandIn {
  base: string;
  server: FastifyInstance;
  seen: SeenRequest[];
  /** Per resource type: answer with this HTTP status instead of data. */
  failures: Map<string, number>;
  /** Per resource type: redirect searches to this absolute URL. */
  redirects: Map<string, string>;
  /** Highest number of requests in flight at once since the last reset (proves parallel fetching). */
  maxInFlight(): number;
  resetInFlight(): void;
  setLatency(ms: number): void;
  setPageSize(n: number): void;
  setResources(resources: FhirResource[]): void;
  close(): Promise<void>;
}

export async function startFhirStandIn(options: StandInOptions = {}): Promise<FhirStandIn> {
  let resources = options.resources ?? [];
  let latencyMs = options.latencyMs ?? 0;
  let pageSize = options.pageSize ?? 50;
  let inFlight = 0;
  let maxInFlight = 0;
  const seen: SeenRequest[] = [];
  const failures = new Map<string, number>();
  const redirects = new Map<string, string>();
  const server = Fastify({ logger: false });

  server.addHook('onRequest', async (request) => {
    seen.push({
      method: request.method,
      url: request.url,
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    });
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
  });
  server.addHook('onResponse', async () => {
    inFlight--;
  });

  const patientOf = (r: FhirResource): string | undefined => {
    const ref = (r.subject ?? r.patient) as { reference?: string } | undefined;
    return ref?.reference?.replace(/^Patient\//, '');
  };

  server.get<{ Params: { type: string; id: string } }>('/fhir/:type/:id', async (request, reply) => {
    const { type, id } = request.params;
    const status = failures.get(type);
    if (status) return reply.code(status).send({ resourceType: 'OperationOutcome', issue: [] });
    const found = resources.find((r) => r.resourceType === type && r.id === id);
    if (!found)
      return reply.code(404).send({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
    return reply.header('content-type', 'application/fhir+json').send(found);
  });

  server.get<{ Params: { type: string }; Querystring: Record<string, string> }>(
    '/fhir/:type',
    async (request, reply) => {
      const { type } = request.params;
      const status = failures.get(type);
      if (status) return reply.code(status).send({ resourceType: 'OperationOutcome', issue: [] });
      const redirect = redirects.get(type);
      if (redirect) return reply.redirect(redirect, 302);
      const q = request.query;
      const patient = q.patient ?? q.subject;
      // Token search as FHIR servers do it: `system|code` matches that system only, a bare code any system.
      const codes = q.code?.split(',').map((c) => {
        const bar = c.lastIndexOf('|');
        return bar < 0 ? { code: c } : { system: c.slice(0, bar) || undefined, code: c.slice(bar + 1) };
      });
      const matching = resources.filter((r) => {
        if (r.resourceType !== type) return false;
        if (patient && patientOf(r) !== patient.replace(/^Patient\//, '')) return false;
        if (codes) {
          const list = (r.code as { coding?: unknown } | undefined)?.coding;
          const coding = (Array.isArray(list) ? list : []) as { system?: string; code?: string }[];
          const hit = coding.some((c) =>
            codes.some((t) => t.code === c.code && (t.system === undefined || t.system === c.system)),
          );
          if (!hit) return false;
        }
        return true;
      });
      const offset = Number(q._offset ?? 0);
      const count = Number(q._count ?? pageSize);
      const page = matching.slice(offset, offset + count);
      const link: { relation: string; url: string }[] = [];
      if (offset + count < matching.length) {
        const next = new URL(`${base}/${type}`);
        for (const [k, v] of Object.entries(q)) if (k !== '_offset') next.searchParams.set(k, v);
        next.searchParams.set('_offset', String(offset + count));
        next.searchParams.set('_count', String(count));
        link.push({ relation: 'next', url: next.href });
      }
      return reply.header('content-type', 'application/fhir+json').send({
        resourceType: 'Bundle',
        type: 'searchset',
        total: matching.length,
        ...(link.length ? { link } : {}),
        entry: page.map((resource) => ({ resource, search: { mode: 'match' } })),
      });
    },
  );

  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}/fhir`;
  return {
    base,
    server,
    seen,
    failures,
    redirects,
    maxInFlight: () => maxInFlight,
    resetInFlight: () => (maxInFlight = 0),
    setLatency: (ms) => (latencyMs = ms),
    setPageSize: (n) => (pageSize = n),
    setResources: (r) => (resources = r),
    close: () => server.close(),
  };
}
