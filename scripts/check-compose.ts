/**
 * `npm run check:compose`: brings docker/compose.yaml up for real and checks the stack, then tears it down.
 *   1. podman (Debian's packages) with its Docker-compatible API, and Docker Compose 2.24+ (the machine's, or
 *      Debian trixie's package fetched into a cache);
 *   2. images: the project's Dockerfile built unchanged (targets runtime and build, as `docker compose build`
 *      would); PostgreSQL and Redis STAND-INS from Debian packages (docker/stand-in/, named
 *      localhost/dmab-stand-in/…, cached like the base), and the demo FHIR server in place of HAPI FHIR, all
 *      through the override file docker/compose.stand-in.yaml — docker/compose.yaml itself is used unchanged;
 *   3. `compose up` with docker/.env.example (free ports, fresh secrets): the loader puts the demo patients into
 *      the stack's FHIR server; the service is ready and published on 127.0.0.1 only;
 *   4. a hook call with prefetch, one without (the service fetches from http://fhir:8080/fhir), feedback, and
 *      the feedback row in PostgreSQL;
 *   5. `compose down --volumes`, and the project's images removed.
 * Exits non-zero on the first failure.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectPath } from '../src/paths.js';
import { Checklist, expectThat, waitForOk } from './check-lib/checklist.js';
import { ensureCompose, startPodmanApi } from './check-lib/compose.js';
import {
  buildImage,
  ensurePodman,
  ensureStandInBase,
  podman,
  podmanLogged,
  removeImage,
  sleep,
} from './check-lib/podman.js';
import { freePort, patientViewCall } from './runtime-check.js';

const exec = promisify(execFile);
const PROJECT = 'dmab-check';
const RUNTIME_IMAGE = 'localhost/dmab-cds-hooks:local';
const BUILD_IMAGE = 'localhost/dmab-cds-hooks-build:local';
const STAND_INS = [
  ['localhost/dmab-stand-in/postgres:15-bookworm', 'postgres.Containerfile'],
  ['localhost/dmab-stand-in/redis:7.0-bookworm', 'redis.Containerfile'],
] as const;
/** A demo patient whose chart gives a card (fixtures/demo-patients.ts). */
const DEMO_PATIENT = 'demo-dmab-lapse';

const list = new Checklist('check:compose — docker/compose.yaml brought up with podman and checked');
const scratch = mkdtempSync(join(tmpdir(), 'check-compose-'));
const envFile = join(scratch, 'check.env');
let compose: string[] = [];
let dockerHost = '';
let stopApi: (() => Promise<void>) | undefined;
let up = false;
const builtImages: string[] = [];

async function composeRun(args: string[], timeoutMs = 300_000): Promise<string> {
  const [command, ...prefix] = compose;
  const all = [...prefix, '--project-name', PROJECT, '--env-file', envFile];
  all.push('-f', projectPath('docker', 'compose.yaml'), '-f', projectPath('docker', 'compose.stand-in.yaml'));
  try {
    const { stdout, stderr } = await exec(command!, [...all, ...args], {
      env: { ...process.env, DOCKER_HOST: dockerHost, COMPOSE_STATUS_STDOUT: '1' },
      timeout: timeoutMs,
      maxBuffer: 32 * 1024 * 1024,
    });
    return `${stdout}${stderr}`.trim();
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `compose ${args[0]} failed: ${`${e.stdout ?? ''}${e.stderr ?? e.message}`.trim().slice(-1500)}`,
    );
  }
}

async function main() {
  await list.check('podman available (Debian packages)', async () => {
    await ensurePodman(list.log);
    return { value: undefined, detail: await podman(['--version']) };
  });
  await list.check('Docker Compose 2.24+', async () => {
    const found = await ensureCompose(list.log);
    compose = found.command;
    return { value: undefined, detail: `${found.command.join(' ')} ${found.version}` };
  });
  await list.check("podman's Docker-compatible API", async () => {
    const api = await startPodmanApi();
    dockerHost = api.dockerHost;
    stopApi = api.stop;
    return { value: undefined, detail: dockerHost };
  });
  const prebuilds = await list.check('stand-in base node:22-bookworm-slim (cached)', () =>
    ensureStandInBase(list.log),
  );
  for (const [tag, file] of STAND_INS) {
    await list.check(`stand-in ${tag} (Debian packages; cached)`, async () => {
      if (
        await podman(['image', 'exists', tag]).then(
          () => true,
          () => false,
        )
      )
        return { value: undefined, detail: 'present' };
      const log = join(tmpdir(), 'check-compose-stand-in.log');
      const args = ['build', '--format', 'docker', '--pull=never', '--layers=false', '-t', tag];
      const code = await podmanLogged(
        [...args, '-f', projectPath('docker', 'stand-in', file), projectPath('docker', 'stand-in')],
        log,
      );
      expectThat(code === 0, `build failed, see ${log}`);
      return { value: undefined, detail: 'built' };
    });
  }
  for (const [tag, target] of [
    [RUNTIME_IMAGE, 'runtime'],
    [BUILD_IMAGE, 'build'],
  ] as const) {
    await list.check(`Dockerfile target ${target} → ${tag}`, async () => {
      if (
        process.env.CHECK_IMAGE_REUSE === '1' &&
        (await podman(['image', 'exists', tag]).then(
          () => true,
          () => false,
        ))
      )
        return { value: undefined, detail: 'reused (CHECK_IMAGE_REUSE=1)' };
      await removeImage(tag);
      const result = await buildImage({ tag, target, prebuilds }, list.log);
      builtImages.push(tag);
      return {
        value: undefined,
        detail: `${Math.round(result.ms / 1000)} s, ${Math.round(result.sizeBytes / 2 ** 20)} MB`,
      };
    });
  }

  const cdsPort = await freePort();
  const fhirPort = await freePort();
  const example = readFileSync(projectPath('docker', '.env.example'), 'utf8');
  writeFileSync(
    envFile,
    example
      .replace(/^CDS_PORT=.*$/m, `CDS_PORT=${cdsPort}`)
      .replace(/^FHIR_PORT=.*$/m, `FHIR_PORT=${fhirPort}`)
      .replace(/^POSTGRES_PASSWORD=.*$/m, `POSTGRES_PASSWORD=${randomBytes(12).toString('hex')}`)
      .replace(/^PATIENT_HASH_SECRET=.*$/m, `PATIENT_HASH_SECRET=${randomBytes(24).toString('hex')}`),
  );
  const base = `http://127.0.0.1:${cdsPort}`;

  await list.check('compose up (docker/.env.example, free ports, fresh secrets)', async () => {
    up = true;
    // Without systemd podman schedules no health checks, and `depends_on: condition: service_healthy` would wait
    // for ever: this loop plays the scheduler's part with `podman healthcheck run` while compose waits.
    let waiting = true;
    const ticker = (async () => {
      while (waiting) {
        const names = await podman([
          'ps',
          '--filter',
          `label=com.docker.compose.project=${PROJECT}`,
          '--format',
          '{{.Names}}',
        ]).catch(() => '');
        for (const name of names.split('\n').filter(Boolean))
          await podman(['healthcheck', 'run', name]).catch(() => undefined);
        await sleep(3000);
      }
    })();
    try {
      await composeRun(['up', '--detach', '--no-build'], 900_000);
    } finally {
      waiting = false;
      await ticker;
    }
  });
  await list.check('the loader put the demo patients into the stack FHIR server', async () => {
    const name = `${PROJECT}-fhir-loader-1`;
    const code = await podman(['wait', name], { timeoutMs: 600_000 });
    const logs = await podman(['logs', name]);
    expectThat(code === '0', `loader exited ${code}: ${logs.slice(-800)}`);
    const loaded = logs.split('\n').filter((l) => /^\s+ok\s/.test(l)).length;
    return { value: undefined, detail: `${loaded} patients loaded` };
  });
  await list.check('the service is ready, on 127.0.0.1 only', async () => {
    await waitForOk(`${base}/readyz`, 180_000, 500);
    const published = await podman(['port', `${PROJECT}-cds-1`]);
    expectThat(
      published.split('\n').every((l) => l.includes('127.0.0.1:')),
      `published: ${published}`,
    );
    const fhir = await podman(['port', `${PROJECT}-fhir-1`]);
    expectThat(
      fhir.split('\n').every((l) => l.includes('127.0.0.1:')),
      `FHIR published: ${fhir}`,
    );
    return { value: undefined, detail: published.replace(/\n/g, ', ') };
  });
  const cards = await list.check('hook call with prefetch', async () => {
    const res = await fetch(`${base}/cds-services/osteoporosis-patient-view`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patientViewCall()),
    });
    const text = await res.text();
    expectThat(res.status === 200, `status ${res.status}: ${text}`);
    const body = JSON.parse(text) as { cards: { uuid: string }[] };
    expectThat(body.cards.length > 0, 'no cards');
    return { value: body.cards, detail: `200, ${body.cards.length} card(s)` };
  });
  await list.check(
    `hook call without prefetch: fetched from http://fhir:8080/fhir (${DEMO_PATIENT})`,
    async () => {
      const call = patientViewCall();
      const res = await fetch(`${base}/cds-services/osteoporosis-patient-view`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          hook: call.hook,
          hookInstance: call.hookInstance,
          fhirServer: 'http://fhir:8080/fhir',
          context: { patientId: DEMO_PATIENT, userId: 'Practitioner/1' },
        }),
      });
      const text = await res.text();
      expectThat(res.status === 200, `status ${res.status}: ${text}`);
      const body = JSON.parse(text) as { cards: { summary: string }[] };
      expectThat(body.cards.length > 0, `no cards: ${text}`);
      return {
        value: undefined,
        detail: `200, ${body.cards
          .map((c) => c.summary)
          .join(' | ')
          .slice(0, 120)}`,
      };
    },
  );
  await list.check('feedback lands in PostgreSQL', async () => {
    const res = await fetch(`${base}/cds-services/osteoporosis-patient-view/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        feedback: [
          { card: cards[0]!.uuid, outcome: 'overridden', outcomeTimestamp: new Date().toISOString() },
        ],
      }),
    });
    expectThat(res.status === 200, `feedback status ${res.status}`);
    const started = performance.now();
    for (;;) {
      const count = await composeRun(
        [
          'exec',
          '-T',
          'postgres',
          'psql',
          '-U',
          'cds',
          '-d',
          'cds',
          '-tAc',
          'SELECT count(*) FROM card_feedback',
        ],
        60_000,
      ).catch((err: Error) => err.message);
      if (count.trim().split('\n').at(-1) === '1')
        return { value: undefined, detail: 'card_feedback: 1 row' };
      if (performance.now() - started > 60_000) throw new Error(`card_feedback: ${count}`);
      await sleep(1000);
    }
  });
}

list.run(main, async () => {
  if (up)
    await composeRun(['down', '--volumes', '--timeout', '40'], 300_000).catch((err: Error) =>
      list.log(err.message),
    );
  await stopApi?.();
  if (process.env.CHECK_IMAGE_KEEP !== '1') for (const tag of builtImages) await removeImage(tag);
  rmSync(scratch, { recursive: true, force: true });
  list.log('compose down --volumes; removed the images it built (stand-ins and base stay cached)');
});
