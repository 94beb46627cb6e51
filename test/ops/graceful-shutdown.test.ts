import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
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
async function callNeedingFhir(base: string) {
  const res = await request(base)
    .post('/cds-services/osteoporosis-patient-view')
    .send({
      hook: 'patient-view',
      hookInstance: randomUUID(),
      fhirServer: fhir.base,
      context: { patientId: 'p1', userId: 'Practitioner/1' },
    });
  return { status: res.status, body: res.body as { cards?: unknown[] } };
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

  it("loses nothing on SIGTERM: the in-flight call's cards and queued feedback reach the store before exit", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cds-shutdown-'));
    try {
      const path = join(dir, 'feedback.sqlite');
      // The write queue's timer never fires during the test: only the shutdown flush can write the records.
      server = await startServerProcess({
        FHIR_FETCH_DEADLINE_MS: '30000',
        SHUTDOWN_TIMEOUT_MS: '30000',
        FEEDBACK_SQLITE_PATH: path,
        FEEDBACK_FLUSH_INTERVAL_MS: '60000',
      });
      // A denosumab dose nine months ago: the patient-view call returns a lapse card.
      fhir.setResources([
        { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1950-01-01' },
        {
          resourceType: 'MedicationAdministration',
          id: 'ma1',
          status: 'completed',
          medicationCodeableConcept: {
            coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '993452' }],
          },
          subject: { reference: 'Patient/p1' },
          effectiveDateTime: new Date(Date.now() - 270 * 86_400_000).toISOString().slice(0, 10),
          dosage: { dose: { value: 60, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
        },
      ]);
      const feedbackCard = randomUUID();
      const feedback = await request(server.base)
        .post('/cds-services/osteoporosis-patient-view/feedback')
        .send({
          feedback: [
            {
              card: feedbackCard,
              outcome: 'overridden',
              overrideReason: { reason: { code: 'not-relevant', system: 'http://example.org/reasons' } },
              outcomeTimestamp: new Date().toISOString(),
            },
          ],
        });
      expect(feedback.status).toBe(200);

      fhir.setLatency(1000);
      const inFlight = callNeedingFhir(server.base);
      await until(() => fhir.seen.length > 0);
      server.child.kill('SIGTERM');
      const response = await inFlight;
      expect((await server.exited).code).toBe(0);

      const cards = (response.body.cards ?? []) as { uuid: string }[];
      expect(cards.length).toBeGreaterThan(0);
      const db = new Database(path, { readonly: true });
      try {
        const logged = db.prepare('SELECT card_uuid FROM card_log').all() as { card_uuid: string }[];
        expect(logged.map((r) => r.card_uuid).sort()).toEqual(cards.map((c) => c.uuid).sort());
        const kept = db.prepare('SELECT card_uuid, outcome FROM card_feedback').all();
        expect(kept).toEqual([{ card_uuid: feedbackCard, outcome: 'overridden' }]);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
