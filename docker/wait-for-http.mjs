// Waits until a URL answers 2xx (e.g. a FHIR server's /metadata), for the compose stack's one-shot loader:
// the HAPI image has no shell tools for a compose healthcheck, so the loader waits here instead.
// Usage: node docker/wait-for-http.mjs <url> [timeoutSeconds=300]
/* global fetch, AbortSignal */
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const [url, timeoutArg] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: node docker/wait-for-http.mjs <url> [timeoutSeconds]\n');
  process.exit(2);
}
const deadline = Date.now() + Number(timeoutArg ?? 300) * 1000;

for (;;) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (res.ok) {
      process.stdout.write(`${url} is up\n`);
      process.exit(0);
    }
  } catch {
    // Not up yet: keep waiting.
  }
  if (Date.now() > deadline) {
    process.stderr.write(`${url} did not answer in time\n`);
    process.exit(1);
  }
  await sleep(2000);
}
