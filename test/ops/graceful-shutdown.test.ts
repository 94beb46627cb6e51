import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import { startServerProcess, until, type ServerProcess } from './server-process.js';

/**
 * Graceful shutdown, tested on a real child process: a hook call is held in flight by a slow FHIR stand-in (the
 * service is fetching its prefetch data) when the signal arrives.
 */
let fhir: FhirStandIn;
let server: ServerProcess | undefined;

beforeEach(async () => {
  fhir = await startFhirStandIn({ resources: [{ resourceType: 'Patient', id: 'p1', gender: 'female' }] });
});

afterEach(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null)
    server.child.kill('SIGKILL');
  server = undefined;
  fhir.setLatency(0);
  await fhir.close();
});

/** A patient-view call without prefetch: every key is fetched from the (slow) FHIR stand-in. */
function callNeedingFhir(base: string) {
  return fetch(`${base}/cds-services/osteoporosis-patient-view`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      hook: 'patient-view',
      hookInstance: randomUUID(),
      fhirServer: fhir.base,
      context: { patientId: 'p1', userId: 'Practitioner/1' },
    }),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as { cards?: unknown[] } }));
}

/** Wait until a new connection to the server is refused (its listener is closed). */
async function untilRefused(base: string): Promise<void> {
  for (;;) {
    try {
      await fetch(`${base}/healthz`, { headers: { connection: 'close' } });
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (code === 'ECONNREFUSED') return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('graceful shutdown', () => {
  it('on SIGTERM finishes the in-flight hook call, then exits 0', async () => {
    server = await startServerProcess({ FHIR_FETCH_DEADLINE_MS: '30000', SHUTDOWN_TIMEOUT_MS: '30000' });
    fhir.setLatency(1500);
    const inFlight = callNeedingFhir(server.base);
    await until(() => fhir.seen.length > 0);

    server.child.kill('SIGTERM');
    const response = await inFlight;
    const exit = await server.exited;

    expect(response.status).toBe(200);
    expect(Array.isArray(response.body.cards)).toBe(true);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.logMessages()).toEqual(expect.arrayContaining(['shutting down', 'shutdown complete']));
  });

  it('on SIGINT exits 0 too', async () => {
    server = await startServerProcess({});
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('stops accepting connections, then exits at once (code 1) on a second signal without waiting', async () => {
    server = await startServerProcess({ FHIR_FETCH_DEADLINE_MS: '60000', SHUTDOWN_TIMEOUT_MS: '60000' });
    fhir.setLatency(60_000);
    let inFlightSettled = false;
    const inFlight = callNeedingFhir(server.base)
      .then(
        () => 'answered',
        () => 'connection lost',
      )
      .finally(() => (inFlightSettled = true));
    await until(() => fhir.seen.length > 0);

    server.child.kill('SIGTERM');
    await server.waitForLog('shutting down');
    // The listener stops accepting while the first call is still in flight.
    await untilRefused(server.base);
    expect(inFlightSettled).toBe(false);
    server.child.kill('SIGTERM');

    expect((await server.exited).code).toBe(1);
    expect(await inFlight).toBe('connection lost');
  });

  it('gives up (code 1) when in-flight calls outlast SHUTDOWN_TIMEOUT_MS', async () => {
    server = await startServerProcess({ FHIR_FETCH_DEADLINE_MS: '60000', SHUTDOWN_TIMEOUT_MS: '300' });
    fhir.setLatency(60_000);
    const inFlight = callNeedingFhir(server.base).then(
      () => 'answered',
      () => 'connection lost',
    );
    await until(() => fhir.seen.length > 0);

    server.child.kill('SIGTERM');

    expect((await server.exited).code).toBe(1);
    expect(await inFlight).toBe('connection lost');
    expect(server.logMessages()).toContain('shutdown deadline passed: exiting now');
  });
});
