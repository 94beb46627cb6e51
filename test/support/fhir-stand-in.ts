import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { FhirResource } from '../../src/protocol/types.js';

/**
 * A small FHIR server over real HTTP, for tests and benchmarks of the prefetch fallback: instance reads,
 * searches by `patient`/`subject`/`_id` (and `code` token lists), paging with `_count` and `next` links, plus knobs
 * to inject latency, failures, redirects and oversized answers. It records every request it gets (`/metadata`
 * apart, in `metadataRequests`, so that tests of the data queries do not depend on the capability cache).
 *
 * A `vendor` profile makes it behave like a real server (test/ehr/vendor-profiles.ts): its base path, its
 * CapabilityStatement, the resource types it does not have (answered 404 or 400 with an OperationOutcome), the
 * search parameters it refuses (400) and its style of `next` link.
 */
export type PagingStyle =
  /** `{base}/Type?…&_offset=N&_count=C` (Medplum's offset paging; the default). */
  | 'offset'
  /** HAPI FHIR: `{base}?_getpages=<id>&_getpagesoffset=N&_count=C&_bundletype=searchset`. */
  | 'hapi'
  /** Epic: `{base}/Type?sessionID=<id>`. */
  | 'epic'
  /** Oracle Health (Cerner Millennium): `{base}/Type?<query>&-pageContext=<id>&-pageDirection=NEXT`. */
  | 'cerner';

export interface VendorBehaviour {
  /** Path of the FHIR base on the stand-in's origin, e.g. `/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d`. */
  basePath?: string;
  /** Served at `{base}/metadata`; without one, `/metadata` answers 404. */
  capabilityStatement?: FhirResource;
  /** Types the server does not have: a search or read answers `unsupportedTypeStatus` with an OperationOutcome. */
  unsupportedTypes?: string[];
  unsupportedTypeStatus?: 400 | 404;
  /** Search parameters the server refuses with 400 and an OperationOutcome (`not-supported`). */
  refusedParams?: string[];
  paging?: PagingStyle;
}

export interface StandInOptions {
  resources?: FhirResource[];
  latencyMs?: number;
  /** Results per page when the search sends no `_count`. */
  pageSize?: number;
  /** The most results per page whatever `_count` asks for (servers cap it); `pageSize` unless set. */
  maxPageSize?: number;
  vendor?: VendorBehaviour;
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
  /** Requests for `{base}/metadata`. */
  metadataRequests: SeenRequest[];
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

const outcome = (code: string, diagnostics: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code, diagnostics }],
});

export async function startFhirStandIn(options: StandInOptions = {}): Promise<FhirStandIn> {
  let resources = options.resources ?? [];
  let latencyMs = options.latencyMs ?? 0;
  let pageSize = options.pageSize ?? 50;
  let inFlight = 0;
  let maxInFlight = 0;
  const vendor = options.vendor ?? {};
  const basePath = vendor.basePath ?? '/fhir';
  const paging = vendor.paging ?? 'offset';
  const seen: SeenRequest[] = [];
  const metadataRequests: SeenRequest[] = [];
  const failures = new Map<string, number>();
  const redirects = new Map<string, string>();
  /** Searches kept for token-style paging (HAPI, Epic, Oracle Health): token → type and query. */
  const sessions = new Map<string, { type: string; query: Record<string, string> }>();
  const server = Fastify({ logger: false });

  server.addHook('onRequest', async (request) => {
    const entry = {
      method: request.method,
      url: request.url,
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    };
    const isMetadata = request.url.split('?')[0] === `${basePath}/metadata`;
    if (isMetadata) metadataRequests.push(entry);
    else seen.push(entry);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    // The latency knob slows the data queries (what the tests hold in flight), not the capability statement.
    if (latencyMs > 0 && !isMetadata) await new Promise((r) => setTimeout(r, latencyMs));
  });
  server.addHook('onResponse', async () => {
    inFlight--;
  });

  const patientOf = (r: FhirResource): string | undefined => {
    const ref = (r.subject ?? r.patient) as { reference?: string } | undefined;
    return ref?.reference?.replace(/^Patient\//, '');
  };
  const unsupported = (type: string) => vendor.unsupportedTypes?.includes(type) ?? false;
  const refuseType = (reply: FastifyReply, type: string) =>
    reply
      .code(vendor.unsupportedTypeStatus ?? 404)
      .send(outcome('not-supported', `Resource type ${type} is not supported`));

  server.get(`${basePath}/metadata`, async (_request, reply) => {
    if (!vendor.capabilityStatement) return reply.code(404).send(outcome('not-found', 'no metadata'));
    return reply.header('content-type', 'application/fhir+json').send(vendor.capabilityStatement);
  });

  server.get<{ Params: { type: string; id: string } }>(`${basePath}/:type/:id`, async (request, reply) => {
    const { type, id } = request.params;
    if (unsupported(type)) return refuseType(reply, type);
    const status = failures.get(type);
    if (status) return reply.code(status).send({ resourceType: 'OperationOutcome', issue: [] });
    const found = resources.find((r) => r.resourceType === type && r.id === id);
    if (!found)
      return reply.code(404).send({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
    return reply.header('content-type', 'application/fhir+json').send(found);
  });

  function search(type: string, q: Record<string, string>, offset: number, reply: FastifyReply) {
    const patient = q.patient ?? q.subject;
    const ids = q._id?.split(',');
    // Token search as FHIR servers do it: `system|code` matches that system only, a bare code any system.
    // `combo-code` (Observation) matches the code or a component's code, as HAPI does.
    const combo = q['combo-code'] !== undefined;
    const codes = (q.code ?? q['combo-code'])?.split(',').map((c) => {
      const bar = c.lastIndexOf('|');
      return bar < 0 ? { code: c } : { system: c.slice(0, bar) || undefined, code: c.slice(bar + 1) };
    });
    const codingsOf = (concept: unknown) => {
      const list = (concept as { coding?: unknown } | undefined)?.coding;
      return (Array.isArray(list) ? list : []) as { system?: string; code?: string }[];
    };
    const matching = resources.filter((r) => {
      if (r.resourceType !== type) return false;
      if (patient && patientOf(r) !== patient.replace(/^Patient\//, '')) return false;
      if (ids && !ids.includes(r.id ?? '')) return false;
      if (codes) {
        const concepts = [r.code];
        if (combo && Array.isArray(r.component))
          for (const c of r.component) concepts.push((c as { code?: unknown } | null)?.code);
        const hit = concepts.some((concept) =>
          codingsOf(concept).some((c) =>
            codes.some((t) => t.code === c.code && (t.system === undefined || t.system === c.system)),
          ),
        );
        if (!hit) return false;
      }
      return true;
    });
    const count = Math.min(Number(q._count ?? pageSize), options.maxPageSize ?? pageSize);
    const page = matching.slice(offset, offset + count);
    const link: { relation: string; url: string }[] = [];
    if (offset + count < matching.length)
      link.push({ relation: 'next', url: nextLink(type, q, offset + count, count) });
    return reply.header('content-type', 'application/fhir+json').send({
      resourceType: 'Bundle',
      type: 'searchset',
      total: matching.length,
      ...(link.length ? { link } : {}),
      entry: page.map((resource) => ({ resource, search: { mode: 'match' } })),
    });
  }

  function nextLink(type: string, q: Record<string, string>, offset: number, count: number): string {
    const token = randomUUID();
    const { _offset: _o, ...query } = q;
    if (paging === 'offset') {
      const next = new URL(`${base}/${type}`);
      for (const [k, v] of Object.entries(query)) next.searchParams.set(k, v);
      next.searchParams.set('_offset', String(offset));
      // Only when the search asked for a page size (a server that refuses `_count` does not write one either).
      if (q._count !== undefined) next.searchParams.set('_count', String(count));
      return next.href;
    }
    sessions.set(token, { type, query: { ...query, _offset: String(offset) } });
    if (paging === 'hapi')
      return `${base}?_getpages=${token}&_getpagesoffset=${offset}&_count=${count}&_bundletype=searchset`;
    if (paging === 'epic') return `${base}/${type}?sessionID=${token}`;
    const next = new URL(`${base}/${type}`);
    for (const [k, v] of Object.entries(query)) next.searchParams.set(k, v);
    next.searchParams.set('-pageContext', token);
    next.searchParams.set('-pageDirection', 'NEXT');
    return next.href;
  }

  /** A continuation token of the server's paging style, or undefined when the query is a new search. */
  function session(q: Record<string, string>) {
    const token = q._getpages ?? q.sessionID ?? q['-pageContext'];
    return token === undefined ? undefined : sessions.get(token);
  }

  // HAPI's paging links point at the base itself.
  server.get<{ Querystring: Record<string, string> }>(basePath, async (request, reply) => {
    const s = session(request.query);
    if (!s) return reply.code(400).send(outcome('invalid', 'unknown or expired page'));
    return search(s.type, s.query, Number(s.query._offset ?? 0), reply);
  });

  server.get<{ Params: { type: string }; Querystring: Record<string, string> }>(
    `${basePath}/:type`,
    async (request, reply) => {
      const { type } = request.params;
      if (unsupported(type)) return refuseType(reply, type);
      const status = failures.get(type);
      if (status) return reply.code(status).send({ resourceType: 'OperationOutcome', issue: [] });
      const redirect = redirects.get(type);
      if (redirect) return reply.redirect(redirect, 302);
      const continued = session(request.query);
      if (continued)
        return search(continued.type, continued.query, Number(continued.query._offset ?? 0), reply);
      const refused = Object.keys(request.query).find((k) =>
        vendor.refusedParams?.includes(k.split(':')[0]!),
      );
      if (refused)
        return reply
          .code(400)
          .send(outcome('not-supported', `The search parameter ${refused} is not supported`));
      return search(type, request.query, Number(request.query._offset ?? 0), reply);
    },
  );

  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}${basePath}`;
  return {
    base,
    server,
    seen,
    metadataRequests,
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
