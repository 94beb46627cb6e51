import { spawnServer, freePort } from './processes.js';
import { serviceEnv } from './service-env.js';

/**
 * Start-up probe: spawn the production build until GET /readyz 200, several times, and print each time and the
 * RSS once ready:  npx tsx bench/startup-probe.ts [runs] [dist entry]
 */
const runs = Number(process.argv[2] ?? 5);
const entry = process.argv[3] ?? 'dist/src/server.js';
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const port = await freePort();
  const server = await spawnServer({
    name: 'service',
    command: process.execPath,
    args: [entry],
    env: serviceEnv({ port, sqlitePath: ':memory:', maxRequestBytes: 16 * 1024 * 1024 }),
    port,
    readyPath: '/readyz',
    logFile: `/tmp/startup-probe-${process.pid}.log`,
  });
  times.push(server.startupMs);
  process.stdout.write(
    `${server.startupMs.toFixed(0)} ms, RSS ${(server.rssBytes() / 1048576).toFixed(1)} MB\n`,
  );
  await server.stop();
}
times.sort((a, b) => a - b);
process.stdout.write(`median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms\n`);
