import { loadProductionEngine, engineInput } from './engine-in-process.js';
import { generatePatient, type PatientSize } from './patients.js';
import type { BenchHook } from './requests.js';
import { serviceEnv } from './service-env.js';

/**
 * Drives engine.evaluate of the production build in a loop, for a CPU profile of the rules alone:
 *   node --cpu-prof --cpu-prof-dir=bench/results/profiles --import tsx bench/profile-engine.ts [size] [seconds]
 *   npx tsx bench/profile-summary.ts bench/results/profiles
 */
const size = (process.argv[2] ?? 'huge') as PatientSize;
const seconds = Number(process.argv[3] ?? 10);
const patient = generatePatient(size);
const engine = await loadProductionEngine(
  serviceEnv({ port: 3000, sqlitePath: ':memory:', maxRequestBytes: 0 }),
);
const hooks: BenchHook[] = ['order-select', 'patient-view'];
const inputs = hooks.map((hook) => engineInput(patient, hook));
const deadline = performance.now() + seconds * 1000;
let calls = 0;
let cards = 0;
while (performance.now() < deadline) {
  for (const input of inputs) {
    cards += engine.evaluate({ ...input, now: new Date() }).length;
    calls++;
  }
}
process.stdout.write(
  `${size}: ${calls} evaluate calls in ${seconds} s (${((seconds * 1000) / calls).toFixed(2)} ms each), ${cards / calls} cards per call\n`,
);
