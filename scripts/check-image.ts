/**
 * `npm run check:image`: builds the project's Dockerfile, unchanged, with podman and checks the running container
 * the way an operator would meet it. Steps (each printed as it passes or fails):
 *   1. podman (Debian's packages) and the offline stand-in for node:22-bookworm-slim, built once and cached;
 *   2. the runtime image: size, non-root user, HEALTHCHECK kept (docker format);
 *   3. a container with a read-only root filesystem (no tmpfs either) and a volume on /app/data: uid 1000,
 *      /healthz, /readyz, HEALTHCHECK healthy, discovery, a hook call with prefetch, feedback;
 *   4. writes outside /app/data refused; SIGTERM exits 0 within SHUTDOWN_TIMEOUT_MS;
 *   5. a second container on the same volume: the cards and the feedback are still there
 *      (`node dist/scripts/report.js --json`), and its memory use;
 *   6. everything it made is removed (containers, volume, image; the cached stand-in base stays).
 * Exits non-zero on the first failure. Needs root and a few GB of disk (vfs storage). See docs/operations.md.
 */
import { freePort, patientViewCall } from './runtime-check.js';
import { Checklist, expectThat, waitForOk } from './check-lib/checklist.js';
import {
  buildImage,
  ensurePodman,
  ensureStandInBase,
  podman,
  removeImage,
  type BuildResult,
} from './check-lib/podman.js';

const TAG = 'localhost/dmab-cds-hooks:check-image';
const NAME = 'dmab-check-image';
const VOLUME = 'dmab-check-image-data';
const SHUTDOWN_TIMEOUT_MS = 8_000;
const MB = 1024 * 1024;

const list = new Checklist('check:image — the Dockerfile built with podman and the container checked');
let built = false;

async function runContainer(name: string, port: number): Promise<string> {
  return podman([
    'run',
    '--detach',
    '--name',
    name,
    // Read-only root and no tmpfs anywhere: proves /app/data (the volume) is the only place the service writes.
    '--read-only',
    '--read-only-tmpfs=false',
    '--publish',
    `127.0.0.1:${port}:3000`,
    '--volume',
    `${VOLUME}:/app/data`,
    '--env',
    'CDS_AUTH=off',
    '--env',
    `PUBLIC_BASE_URL=http://127.0.0.1:${port}`,
    '--env',
    'PATIENT_HASH_SECRET=check-image-secret-0123456789abcdef',
    '--env',
    `SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS}`,
    TAG,
  ]);
}

async function execIn(name: string, command: string): Promise<{ code: number; out: string }> {
  try {
    return { code: 0, out: await podman(['exec', name, 'sh', '-c', command]) };
  } catch (err) {
    return { code: 1, out: (err as Error).message };
  }
}

async function main() {
  await list.check('podman available (Debian packages: podman, buildah, runc)', async () => {
    await ensurePodman(list.log);
    return { value: undefined, detail: await podman(['--version']) };
  });
  const prebuilds = await list.check(
    'stand-in base node:22-bookworm-slim (cached after the first run)',
    async () => {
      const dir = await ensureStandInBase(list.log);
      const node = await podman([
        'image',
        'inspect',
        '--format',
        '{{ index .Labels "stand-in.node.version" }}',
        'docker.io/library/node:22-bookworm-slim',
      ]);
      return { value: dir, detail: `debootstrap minbase bookworm + Node ${node}` };
    },
  );

  const image: BuildResult = await list.check('Dockerfile builds unchanged (target runtime)', async () => {
    // CHECK_IMAGE_REUSE=1 (while working on this script): take the image a CHECK_IMAGE_KEEP=1 run left behind.
    if (
      process.env.CHECK_IMAGE_REUSE === '1' &&
      (await podman(['image', 'exists', TAG]).then(
        () => true,
        () => false,
      ))
    ) {
      const sizeBytes = Number(await podman(['image', 'inspect', '--format', '{{.Size}}', TAG]));
      built = true;
      return { value: { tag: TAG, ms: 0, sizeBytes }, detail: 'reused (CHECK_IMAGE_REUSE=1)' };
    }
    await removeImage(TAG);
    const result = await buildImage({ tag: TAG, target: 'runtime', prebuilds }, list.log);
    built = true;
    return { value: result, detail: `${Math.round(result.ms / 1000)} s` };
  });
  await list.check('image size', async () => ({
    value: undefined,
    detail: `${Math.round(image.sizeBytes / MB)} MB`,
  }));
  await list.check('image runs as a non-root user and keeps its HEALTHCHECK', async () => {
    const user = await podman(['image', 'inspect', '--format', '{{.Config.User}}', TAG]);
    expectThat(user === 'node', `USER is "${user}"`);
    const health = await podman(['image', 'inspect', '--format', '{{json .Config.Healthcheck}}', TAG]);
    expectThat(health.includes('healthcheck.mjs'), `HEALTHCHECK missing: ${health}`);
    return { value: undefined, detail: `USER ${user}, HEALTHCHECK node scripts/healthcheck.mjs` };
  });

  await podman(['volume', 'create', VOLUME]);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  await list.check('container starts with a read-only root filesystem', async () => {
    await runContainer(NAME, port);
    const ms = await waitForOk(`${base}/healthz`, 90_000, 100);
    return { value: undefined, detail: `/healthz 200 after ${Math.round(ms)} ms` };
  });
  await list.check('/readyz answers 200', async () => {
    await waitForOk(`${base}/readyz`, 90_000, 100);
  });
  await list.check('runs as uid 1000 (node)', async () => {
    const { out } = await execIn(NAME, 'id -u; id -un');
    expectThat(out.split('\n')[0] === '1000', `id: ${out}`);
    return { value: undefined, detail: out.replace('\n', ' ') };
  });
  await list.check('HEALTHCHECK reports healthy (podman healthcheck run)', async () => {
    await podman(['healthcheck', 'run', NAME]);
    const status = await podman(['inspect', '--format', '{{.State.Health.Status}}', NAME]);
    expectThat(status === 'healthy', `health status ${status}`);
    return { value: undefined, detail: status };
  });
  await list.check('discovery lists the services', async () => {
    const body = (await (await fetch(`${base}/cds-services`)).json()) as { services: { id: string }[] };
    expectThat(body.services.length > 0, 'no services');
    return { value: undefined, detail: body.services.map((s) => s.id).join(', ') };
  });
  const cards = await list.check('hook call with prefetch answers cards', async () => {
    const started = performance.now();
    const res = await fetch(`${base}/cds-services/osteoporosis-patient-view`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patientViewCall()),
    });
    const ms = performance.now() - started;
    const text = await res.text();
    expectThat(res.status === 200, `status ${res.status}: ${text}`);
    const body = JSON.parse(text) as { cards: { uuid: string; suggestions?: { uuid: string }[] }[] };
    expectThat(body.cards.length > 0, 'no cards');
    return { value: body.cards, detail: `200, ${body.cards.length} card(s) in ${Math.round(ms)} ms` };
  });
  await list.check('feedback accepted', async () => {
    const card = cards[0]!;
    const item = card.suggestions?.length
      ? { card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: card.suggestions[0]!.uuid }] }
      : { card: card.uuid, outcome: 'overridden' };
    const res = await fetch(`${base}/cds-services/osteoporosis-patient-view/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ feedback: [{ ...item, outcomeTimestamp: new Date().toISOString() }] }),
    });
    const text = await res.text();
    expectThat(res.status === 200, `status ${res.status}: ${text}`);
    return { value: undefined, detail: item.outcome };
  });
  await list.check('root filesystem is read-only; /app/data (the volume) is writable', async () => {
    for (const path of ['/app/probe', '/tmp/probe', '/home/node/probe']) {
      const { code } = await execIn(NAME, `echo x > ${path}`);
      expectThat(code !== 0, `${path} was writable`);
    }
    const { code, out } = await execIn(NAME, 'echo x > /app/data/probe && rm /app/data/probe');
    expectThat(code === 0, `/app/data not writable: ${out}`);
    return { value: undefined, detail: '/app, /tmp, /home/node refused' };
  });
  await list.check(`SIGTERM: exit 0 within SHUTDOWN_TIMEOUT_MS (${SHUTDOWN_TIMEOUT_MS} ms)`, async () => {
    // Timed inside the engine (signal sent → container finished), not by the podman command's own overhead.
    const sent = Date.now();
    await podman(['kill', '--signal', 'SIGTERM', NAME]);
    const code = await podman(['wait', NAME], { timeoutMs: SHUTDOWN_TIMEOUT_MS + 30_000 });
    const finishedAt = Number(await podman(['inspect', '--format', '{{.State.FinishedAt.UnixMilli}}', NAME]));
    const ms = finishedAt - sent;
    expectThat(code === '0', `exit code ${code}`);
    expectThat(ms < SHUTDOWN_TIMEOUT_MS, `took ${Math.round(ms)} ms`);
    return { value: undefined, detail: `exit 0 in ${Math.round(ms)} ms` };
  });
  await podman(['rm', '--force', NAME]);

  await list.check('a new container on the same volume still has the cards and the feedback', async () => {
    await runContainer(`${NAME}-2`, port);
    await waitForOk(`${base}/readyz`, 90_000, 100);
    const { code, out } = await execIn(`${NAME}-2`, 'node dist/scripts/report.js --json --days 1');
    expectThat(code === 0, `report.js failed: ${out}`);
    const report = JSON.parse(out) as { groups: { shown: number; accepted: number; overridden: number }[] };
    const shown = report.groups.reduce((n, g) => n + g.shown, 0);
    const answered = report.groups.reduce((n, g) => n + g.accepted + g.overridden, 0);
    expectThat(
      shown === cards.length,
      `report counts ${shown} cards shown, the hook call returned ${cards.length}`,
    );
    expectThat(answered === 1, `report counts ${answered} feedback items, 1 was sent`);
    return {
      value: undefined,
      detail: `node dist/scripts/report.js: ${shown} shown, ${answered} with feedback`,
    };
  });
  await list.check('memory in use', async () => {
    const usage = await podman(['stats', '--no-stream', '--format', '{{.MemUsage}}', `${NAME}-2`]).catch(
      (err: Error) => `not available (${err.message.slice(0, 80)})`,
    );
    return { value: undefined, detail: usage };
  });
}

list.run(main, async () => {
  await podman(['rm', '--force', '--time', '0', NAME, `${NAME}-2`]).catch(() => undefined);
  await podman(['volume', 'rm', '--force', VOLUME]).catch(() => undefined);
  const keep = process.env.CHECK_IMAGE_KEEP === '1';
  if (built && !keep) await removeImage(TAG);
  list.log(
    `removed the containers, the volume${keep ? '' : ' and the image'} (the stand-in base stays cached)`,
  );
});
