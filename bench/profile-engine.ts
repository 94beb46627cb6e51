import { loadProductionService, serviceIdOf } from './in-process.js';
import { generatePatient, type PatientSize } from './patients.js';
import { hookRequest, type BenchHook } from './requests.js';
import { serviceEnv } from './service-env.js';

/**
 * Calls the production build's service in process (invokeHook: validate → prefetch → rules → cards) in a loop, for
 * a CPU profile without HTTP:
 *   node --cpu-prof --cpu-prof-dir=bench/results/profiles --import tsx bench/profile-engine.ts [size] [seconds]
 *   npx tsx bench/profile-summary.ts bench/results/profiles
 */
const size = (process.argv[2] ?? 'huge') as PatientSize;
const seconds = Number(process.argv[3] ?? 10);
const patient = generatePatient(size);
const service = await loadProductionService(
  serviceEnv({ port: 3000, sqlitePath: ':memory:', maxRequestBytes: 0 }),
);
const hooks: BenchHook[] = ['order-select', 'patient-view'];
const calls = hooks.map((hook) => ({ serviceId: serviceIdOf(hook), body: hookRequest(hook, patient) }));
const deadline = performance.now() + seconds * 1000;
let count = 0;
let cards = 0;
while (performance.now() < deadline) {
  for (const call of calls) {
    cards += (await service.call(call.serviceId, call.body)).cards.length;
    count++;
  }
}
process.stdout.write(
  `${size}: ${count} service calls in ${seconds} s (${((seconds * 1000) / count).toFixed(2)} ms each), ${cards / count} cards per call\n`,
);
