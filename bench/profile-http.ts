import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from './load.js';
import { generatePatient, type PatientSize } from './patients.js';
import { freePort, spawnServer } from './processes.js';
import { hookRequest, PER_REQUEST_ID, SERVICE_PATH, type BenchHook } from './requests.js';
import { serviceEnv } from './service-env.js';

/**
 * CPU profile of the whole HTTP path: the production service under `node --cpu-prof`, loaded at c=10 with one
 * scenario, stopped with SIGTERM (which writes the profile), e.g.
 *   npx tsx bench/profile-http.ts typical order-select 10
 *   npx tsx bench/profile-summary.ts bench/results/profiles/http-typical-order-select
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const size = (process.argv[2] ?? 'typical') as PatientSize;
const hook = (process.argv[3] ?? 'order-select') as BenchHook;
const seconds = Number(process.argv[4] ?? 10);
const profileDir = join(ROOT, 'bench/results/profiles', `http-${size}-${hook}`);
mkdirSync(profileDir, { recursive: true });

const body = JSON.stringify(hookRequest(hook, generatePatient(size), { hookInstance: PER_REQUEST_ID }));
const work = mkdtempSync(join(tmpdir(), 'cds-profile-'));
const port = await freePort();
const service = await spawnServer({
  name: 'service',
  command: process.execPath,
  args: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, join(ROOT, 'dist/src/server.js')],
  env: serviceEnv({
    port,
    sqlitePath: join(work, 'feedback.sqlite'),
    maxRequestBytes: Buffer.byteLength(body),
  }),
  port,
  readyPath: '/readyz',
  logFile: join(work, 'service.log'),
});
const result = await runLoad({
  url: service.baseUrl + SERVICE_PATH[hook],
  body,
  connections: 10,
  durationSeconds: seconds,
});
await service.stop();
process.stdout.write(
  `${size} ${hook}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms; profile in ${profileDir}\n`,
);
