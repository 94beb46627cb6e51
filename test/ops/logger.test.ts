import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger, redactPaths } from '../../src/observability/logger.js';
import { serverOptions } from '../../src/server-options.js';
import { testConfig } from '../support/build-app.js';

/** The one logger (src/observability/logger.ts): its redaction, and that Fastify and the scripts get the same one. */
const SECRET = 'eyJ-secret-token';
const PATIENT = 'pat-PHI-0815';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('the service logger', () => {
  it('removes tokens, bodies, contexts and patient ids from any log object', () => {
    const { lines, destination } = capture();
    const log = createLogger({ logLevel: 'info', prettyLogs: false }, { destination });
    log.info(
      {
        access_token: SECRET,
        req: { id: 'r1', method: 'POST', headers: { authorization: `Bearer ${SECRET}` } },
        call: { body: { prefetch: { patient: { id: PATIENT } } }, context: { patientId: PATIENT } },
        fhirAuthorization: { access_token: SECRET },
        patientId: PATIENT,
        serviceId: 'osteoporosis-patient-view',
      },
      'hook call',
    );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).not.toContain(SECRET);
    expect(line).not.toContain(PATIENT);
    // What is safe stays: the facts the request line is made of.
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry).toMatchObject({
      msg: 'hook call',
      serviceId: 'osteoporosis-patient-view',
      req: { id: 'r1' },
    });
    expect(entry.access_token).toBe('[redacted]');
    expect(redactPaths).toContain('*.prefetch');
  });

  it('is the instance Fastify logs with (serverOptions → loggerInstance), at LOG_LEVEL', async () => {
    const { lines, destination } = capture();
    const app = Fastify(serverOptions(testConfig({ LOG_LEVEL: 'warn' }), { destination }));
    app.log.info('below the level');
    app.log.warn({ token: SECRET }, 'from fastify');
    await app.close();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'from fastify', token: '[redacted]' });
  });
});
