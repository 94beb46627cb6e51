import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { freePort, patientViewCall } from '../runtime-check.js';
import { expectThat, waitForOk, type Checklist } from './checklist.js';
import { cloneObjects, toYaml, type Deployment, type KubeObject } from './kube-objects.js';
import { buildImage, ensurePodman, ensureStandInBase, podman, removeImage } from './podman.js';

const TAG = 'localhost/dmab-cds-hooks:check-image';
const DATABASE_URL = process.env.CHECK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.CHECK_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVICE_PATH = '/cds-services/osteoporosis-patient-view';

/**
 * Runs the rendered Deployment with `podman kube play`, as close to the manifests as one machine allows. What
 * changes, and why: one replica; the pod on the host network (the machine's PostgreSQL, with a schema of its own,
 * and Redis listen on loopback) with PORT on a free loopback port; the image is the one built here; the trusted
 * issuer is a key made for this run; the Secret's values are a podman secret (kube play reads secretKeyRef from
 * there). Service, autoscaler, budget and network policy have no meaning in podman and are left out.
 */
export async function smokeRunDeployment(rendered: KubeObject[], list: Checklist): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'check-k8s-'));
  const schema = `k8s_smoke_${randomBytes(4).toString('hex')}`;
  const playFile = join(scratch, 'play.yaml');
  let builtHere = false;
  let played = false;
  let secretName: string | undefined;
  try {
    await list.check('podman and the image (built as check:image does, if missing)', async () => {
      await ensurePodman(list.log);
      if (
        await podman(['image', 'exists', TAG]).then(
          () => true,
          () => false,
        )
      )
        return { value: undefined, detail: `${TAG} present` };
      const prebuilds = await ensureStandInBase(list.log);
      const built = await buildImage({ tag: TAG, target: 'runtime', prebuilds }, list.log);
      builtHere = true;
      return { value: undefined, detail: `built in ${Math.round(built.ms / 1000)} s` };
    });

    const port = await freePort();
    const { publicKey, privateKey } = await generateKeyPair('ES384');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'check-k8s', alg: 'ES384', use: 'sig' };
    const objects = cloneObjects(rendered).filter((o) => ['Deployment', 'ConfigMap'].includes(o.kind));
    const deployment = objects.find((o): o is Deployment => o.kind === 'Deployment')!;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0]!;
    deployment.spec.replicas = 1;
    pod.hostNetwork = true;
    container.image = TAG;
    // On the host network podman refuses port mappings: the probes name the port by number instead.
    delete container.ports;
    for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe])
      if (probe?.httpGet) probe.httpGet.port = port;
    const configName = container.envFrom?.find((f) => f.configMapRef)?.configMapRef?.name;
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === configName)!;
    const data = config.data as Record<string, string>;
    Object.assign(data, { HOST: '127.0.0.1', PORT: String(port), DATABASE_SCHEMA: schema });
    const issuersVolume = pod.volumes?.find((v) =>
      container.volumeMounts?.some(
        (m) => m.name === v.name && data.CDS_TRUSTED_ISSUERS?.startsWith(m.mountPath + '/'),
      ),
    );
    const issuers = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === issuersVolume?.configMap?.name,
    )!;
    const issuerUrl = 'https://ehr.check-k8s.example';
    (issuers.data as Record<string, string>)[data.CDS_TRUSTED_ISSUERS!.split('/').pop()!] = JSON.stringify([
      { iss: issuerUrl, jwks: { keys: [jwk] } },
    ]);
    writeFileSync(playFile, toYaml(objects));

    // The Secret, as the operator would create it, with values for this machine (podman's kube secret format).
    secretName = (container.env ?? []).find((e) => e.valueFrom?.secretKeyRef)?.valueFrom?.secretKeyRef?.name;
    expectThat(secretName !== undefined, 'the Deployment references no Secret');
    const values: Record<string, string> = {
      PATIENT_HASH_SECRET: randomBytes(24).toString('hex'),
      DATABASE_URL,
      REDIS_URL,
      ANALYTICS_ADMIN_TOKEN: randomBytes(16).toString('hex'),
      METRICS_TOKEN: randomBytes(12).toString('hex'),
    };
    const secretFile = join(scratch, 'secret.json');
    writeFileSync(
      secretFile,
      JSON.stringify(
        Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      ),
    );
    await podman(['secret', 'rm', secretName]).catch(() => undefined);
    await podman(['secret', 'create', secretName, secretFile]);

    const base = `http://127.0.0.1:${port}`;
    const containerName = `${deployment.metadata.name}-pod-0-${container.name}`;
    await list.check('podman kube play runs the Deployment; /readyz answers 200', async () => {
      await podman(['kube', 'play', playFile], { timeoutMs: 180_000 });
      played = true;
      const readyMs = await waitForOk(`${base}/readyz`, 120_000);
      return {
        value: undefined,
        detail: `ready ${Math.round(readyMs)} ms after kube play`,
      };
    });
    await list.check('pod runs as uid 1000 with a read-only root filesystem', async () => {
      const uid = await podman(['exec', containerName, 'id', '-u']);
      expectThat(uid === '1000', `uid ${uid}`);
      const writable = await podman(['exec', containerName, 'sh', '-c', 'echo x > /app/probe']).then(
        () => true,
        () => false,
      );
      expectThat(!writable, '/app was writable');
      return { value: undefined, detail: 'uid 1000, /app refused' };
    });
    const token = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES384', kid: 'check-k8s', typ: 'JWT' })
      .setIssuer(issuerUrl)
      .setAudience(`${data.PUBLIC_BASE_URL!.replace(/\/+$/, '')}${SERVICE_PATH}`)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const call = () =>
      fetch(`${base}${SERVICE_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(patientViewCall()),
      });
    await list.check('hook call with an EHR token (CDS_AUTH=required) answers cards', async () => {
      const res = await call();
      const text = await res.text();
      expectThat(res.status === 200, `status ${res.status}: ${text}`);
      const cards = (JSON.parse(text) as { cards: unknown[] }).cards.length;
      expectThat(cards > 0, 'no cards');
      return { value: undefined, detail: `200, ${cards} card(s)` };
    });
    await list.check('the same token again is refused (replay cache in Redis)', async () => {
      const res = await call();
      expectThat(res.status === 401, `status ${res.status}`);
    });
    await list.check('stopping the pod: SIGTERM, exit 0 within the grace period', async () => {
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      const started = performance.now();
      await podman(['stop', '--time', String(grace), containerName], { timeoutMs: (grace + 30) * 1000 });
      const ms = performance.now() - started;
      const code = await podman(['inspect', '--format', '{{.State.ExitCode}}', containerName]);
      expectThat(code === '0', `exit code ${code}`);
      expectThat(ms < grace * 1000, `took ${Math.round(ms)} ms`);
      return {
        value: undefined,
        detail: `exit 0 in ${Math.round(ms)} ms (drain delay ${data.SHUTDOWN_DRAIN_DELAY_MS} ms)`,
      };
    });
  } finally {
    if (played) await podman(['kube', 'down', playFile]).catch(() => undefined);
    if (secretName) await podman(['secret', 'rm', secretName]).catch(() => undefined);
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client
      .connect()
      .then(() => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))
      .catch(() => undefined)
      .finally(() => client.end().catch(() => undefined));
    if (builtHere && process.env.CHECK_IMAGE_KEEP !== '1') await removeImage(TAG);
    rmSync(scratch, { recursive: true, force: true });
    list.log(
      `removed the pod, the podman secret and schema ${schema}${builtHere ? ' and the image it built' : ''}`,
    );
  }
}
