import { parseArgs } from 'node:util';
import { demoPatients } from '../fixtures/demo-patients.js';
import { loadDemoPatients } from './load-bundles.js';

/**
 * `npm run demo:load -- --fhir <base> [--now <ISO date>]`: puts the synthetic demo patients into any FHIR R4
 * server, dated relative to today (or to --now). Loading again updates the same ids.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { fhir: { type: 'string' }, now: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || !values.fhir) {
    console.log('Usage: npm run demo:load -- --fhir <FHIR R4 base URL> [--now 2025-06-15T12:00:00Z]');
    return values.help ? 0 : 2;
  }
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) {
    console.error(`--now: not a date: ${values.now}`);
    return 2;
  }
  const patients = demoPatients(now);
  console.log(
    `Loading ${patients.length} demo patients into ${values.fhir} (dates relative to ${now.toISOString().slice(0, 10)})`,
  );
  const results = await loadDemoPatients(values.fhir, patients);
  for (const r of results)
    console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.status} ${r.patientId}${r.problem ? `: ${r.problem}` : ''}`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(
    failed === 0 ? 'All demo patients loaded.' : `${failed} of ${results.length} bundles were refused.`,
  );
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo:load failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
