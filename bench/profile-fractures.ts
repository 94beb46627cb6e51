import { findingsFor } from '../test/clinical/support/evaluate.js';
import { condition, patient } from '../test/clinical/support/fhir.js';

/**
 * Issue 11 finding 2, follow-up: N text-coded vertebral fracture Conditions (one per day, the scaling test's first
 * family) through the rules, timed per run; profile with `node --cpu-prof --import tsx bench/profile-fractures.ts`.
 *
 *   npx tsx bench/profile-fractures.ts [N=7000] [runs=5]
 */
const n = Number(process.argv[2] ?? 7000);
const runs = Number(process.argv[3] ?? 5);
const day = (i: number) =>
  new Date(Date.UTC(2015, 0, 1) + (i % 3650) * 86_400_000).toISOString().slice(0, 10);
const resources = [
  patient(),
  ...Array.from({ length: n }, (_, i) => condition({ text: 'Vertebral fracture' }, { onset: day(i) })),
];
findingsFor(resources.slice(0, 50));
const times: number[] = [];
for (let run = 0; run < runs; run++) {
  const started = performance.now();
  findingsFor(resources);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
console.log(
  `${n} text-coded fractures: min ${times[0]!.toFixed(0)} ms, median ${times[Math.floor(runs / 2)]!.toFixed(0)} ms over ${runs} runs`,
);
