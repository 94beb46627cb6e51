import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirClient, FhirFetchError } from '../../src/protocol/fhir-client.js';
import { UNKNOWN_CAPABILITIES } from '../../src/protocol/prefetch/capabilities.js';
import { fetchWithCapabilities } from '../../src/protocol/prefetch/fallback-query.js';

/**
 * A server that supports a search but refuses one of its own continuation pages with a "not supported" answer
 * (seen with servers whose paging links carry a parameter they refuse on the next request). Past the first page,
 * some data was already read: the key is incomplete, a failure (412), never "this server has no such data", which
 * would let the cards be computed as if the rest did not exist.
 */
const NOT_SUPPORTED = {
  resourceType: 'OperationOutcome',
  issue: [
    { severity: 'error', code: 'not-supported', diagnostics: 'The search parameter _page is not supported' },
  ],
};

let server: Server;
let base: URL;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/fhir/MedicationAdministration' && !url.searchParams.has('_page'))
      return send(200, {
        resourceType: 'Bundle',
        type: 'searchset',
        link: [{ relation: 'next', url: `${base.href}/MedicationAdministration?patient=p1&_page=2` }],
        entry: [{ resource: { resourceType: 'MedicationAdministration', id: 'ma1', status: 'completed' } }],
      });
    // Page 2, and any search of a type this server does not have, are refused as "not supported".
    return send(400, NOT_SUPPORTED);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = new FhirClient({ maxPages: 10, maxResponseBytes: 1_000_000 });
const ctx = () => ({ base, signal: AbortSignal.timeout(5000) });

describe('fallback: a refused continuation page', () => {
  it('is a failure naming the page, not "unavailable" (no silent partial data)', async () => {
    const outcome = fetchWithCapabilities(
      'MedicationAdministration?patient=p1',
      client,
      ctx(),
      UNKNOWN_CAPABILITIES,
    );
    await expect(outcome).rejects.toBeInstanceOf(FhirFetchError);
    await expect(outcome).rejects.toMatchObject({ reason: 'http-status', status: 400, page: 2 });
  });

  it('while the same "not supported" answer on a first page still means no such data', async () => {
    expect(
      await fetchWithCapabilities('MedicationStatement?patient=p1', client, ctx(), UNKNOWN_CAPABILITIES),
    ).toEqual({ kind: 'unavailable', resourceType: 'MedicationStatement' });
  });
});
