import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { isKind, type Container, type Deployment, type KubeObject, type Probe } from './kube-objects.js';

/**
 * The project's own rules for its Kubernetes manifests: what the JSON schemas cannot know (the service's probe
 * paths and port, the variables it reads, its shutdown timing, its load-shedding thresholds). Each finding names
 * its rule, so the negative tests can show that each rule catches what it is for.
 */
export interface Finding {
  rule: RuleId;
  message: string;
}

export type RuleId =
  | 'objects'
  | 'replicas'
  | 'shared-stores'
  | 'probes'
  | 'service'
  | 'env-names'
  | 'secrets'
  | 'config-refs'
  | 'shutdown'
  | 'hardening'
  | 'resources'
  | 'disruption-budget'
  | 'network-policy'
  | 'service-config';

export interface RulesContext {
  /** Variables the service reads (from the configuration code and the README). */
  serviceEnv: Set<string>;
  /** The out-of-band Secrets: name → keys with example values (deploy/kubernetes/base/secret.example.yaml). */
  secrets: Map<string, Record<string, string>>;
  /** The image's environment defaults (Dockerfile runtime ENV). */
  imageEnv: Record<string, string>;
}

/** Defaults of the service when a variable is unset (src/config/ops.ts). */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 8_000;
/** Variables that hold secrets: only ever from a Secret, never a literal or a ConfigMap. */
const SECRET_VARIABLES = /^(PATIENT_HASH_SECRET|DATABASE_URL|REDIS_URL|.*_TOKEN|.*_SECRET|.*_PASSWORD)$/;
const REQUIRED_KINDS = [
  'Deployment',
  'Service',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'ConfigMap',
];

export function checkManifests(objects: KubeObject[], ctx: RulesContext): Finding[] {
  const findings: Finding[] = [];
  const fail = (rule: RuleId, message: string) => findings.push({ rule, message });

  for (const kind of REQUIRED_KINDS)
    if (!objects.some((o) => o.kind === kind)) fail('objects', `no ${kind} in the manifests`);
  const deployments = objects.filter(isKind<Deployment>('Deployment'));
  if (deployments.length !== 1) {
    fail('objects', `expected one Deployment, found ${deployments.length}`);
    return findings;
  }
  const deployment = deployments[0]!;
  const pod = deployment.spec.template.spec;
  const podLabels = deployment.spec.template.metadata?.labels ?? {};
  const container = pod.containers[0];
  if (!container || pod.containers.length !== 1) {
    fail('objects', 'the Deployment must run exactly one container');
    return findings;
  }
  const configMaps = new Map(
    objects
      .filter((o) => o.kind === 'ConfigMap')
      .map((o) => [o.metadata.name, (o.data ?? {}) as Record<string, string>]),
  );

  // The container's environment as the service will see it: image defaults, then envFrom, then env.
  const env: Record<string, string> = { ...ctx.imageEnv };
  const envSources = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    if (from.secretRef)
      fail('secrets', `envFrom secretRef "${from.secretRef.name}": reference each key by name`);
    const ref = from.configMapRef?.name;
    if (ref === undefined) continue;
    const data = configMaps.get(ref);
    if (!data) {
      fail('config-refs', `envFrom names ConfigMap "${ref}", which the manifests do not define`);
      continue;
    }
    for (const [name, value] of Object.entries(data)) {
      env[name] = value;
      envSources.set(name, `ConfigMap ${ref}`);
    }
  }
  const secretEnv = new Set<string>();
  for (const variable of container.env ?? []) {
    envSources.set(variable.name, 'env');
    const secretRef = variable.valueFrom?.secretKeyRef;
    const configRef = variable.valueFrom?.configMapKeyRef;
    if (secretRef) {
      const secret = ctx.secrets.get(secretRef.name);
      if (!secret) fail('secrets', `${variable.name}: Secret "${secretRef.name}" is not a documented Secret`);
      else if (!(secretRef.key in secret))
        fail('secrets', `${variable.name}: Secret "${secretRef.name}" has no key "${secretRef.key}"`);
      else {
        env[variable.name] = secret[secretRef.key]!;
        if (!secretRef.optional) secretEnv.add(variable.name);
      }
    } else if (configRef) {
      const value = configMaps.get(configRef.name)?.[configRef.key];
      if (value === undefined)
        fail('config-refs', `${variable.name}: ConfigMap "${configRef.name}" has no key "${configRef.key}"`);
      else env[variable.name] = value;
    } else if (variable.value !== undefined) {
      env[variable.name] = variable.value;
    }
    if (SECRET_VARIABLES.test(variable.name) && !secretRef)
      fail(
        'secrets',
        `${variable.name} must come from a Secret (secretKeyRef), not a literal or a ConfigMap`,
      );
  }
  for (const [name, source] of envSources) {
    if (!ctx.serviceEnv.has(name))
      fail('env-names', `${name} (${source}) is not a variable the service reads (src/config, README)`);
    if (source.startsWith('ConfigMap') && SECRET_VARIABLES.test(name))
      fail('secrets', `${name} is a secret but is set in ${source}`);
  }
  if (objects.some((o) => o.kind === 'Secret'))
    fail('secrets', 'the manifests carry a Secret: secrets are created out of band and only referenced');

  // Replicas: more than one needs the shared stores.
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler') as
    | (KubeObject & {
        spec: { minReplicas?: number; maxReplicas: number; scaleTargetRef: { kind: string; name: string } };
      })
    | undefined;
  const replicas = deployment.spec.replicas ?? 1;
  if (replicas < 2) fail('replicas', `the Deployment runs ${replicas} replica(s); at least 2 are required`);
  if (hpa) {
    const target = hpa.spec.scaleTargetRef;
    if (target.kind !== 'Deployment' || target.name !== deployment.metadata.name)
      fail(
        'replicas',
        `the HorizontalPodAutoscaler scales ${target.kind} "${target.name}", not the Deployment`,
      );
    if ((hpa.spec.minReplicas ?? 1) < 2)
      fail(
        'replicas',
        `the HorizontalPodAutoscaler may scale down to ${hpa.spec.minReplicas ?? 1} replica(s)`,
      );
    if (hpa.spec.maxReplicas < (hpa.spec.minReplicas ?? 1))
      fail('replicas', 'the HorizontalPodAutoscaler maxReplicas is below minReplicas');
  }
  if (Math.max(replicas, hpa?.spec.maxReplicas ?? 1) > 1) {
    for (const name of ['DATABASE_URL', 'REDIS_URL'])
      if (!secretEnv.has(name))
        fail('shared-stores', `more than one replica needs ${name} (from the Secret, not optional)`);
  }

  // Probes: the service's own endpoints on its own port.
  const port = Number(env.PORT ?? 3000);
  const portOf = (ref: number | string | undefined): number | undefined =>
    typeof ref === 'number' ? ref : container.ports?.find((p) => p.name === ref)?.containerPort;
  if (!container.ports?.some((p) => p.containerPort === port))
    fail('probes', `no container port ${port} (the service's PORT)`);
  const probe = (
    name: 'startupProbe' | 'livenessProbe' | 'readinessProbe',
    path: string,
  ): Probe | undefined => {
    const p = container[name];
    if (!p?.httpGet) {
      fail('probes', `${name} must be an httpGet probe of ${path}`);
      return undefined;
    }
    if (p.httpGet.path !== path)
      fail('probes', `${name} asks ${p.httpGet.path ?? '/'}; the service answers ${path}`);
    if (portOf(p.httpGet.port) !== port)
      fail('probes', `${name} asks port ${String(p.httpGet.port)}, the service listens on ${port}`);
    return p;
  };
  probe('startupProbe', '/healthz');
  probe('livenessProbe', '/healthz');
  const readiness = probe('readinessProbe', '/readyz');

  // Shutdown: the kubelet's SIGKILL comes after the service's own deadline, and the listener stays open until
  // the endpoint is gone (at least one failed readiness probe).
  const shutdownTimeoutMs = Number(env.SHUTDOWN_TIMEOUT_MS ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
  const drainDelayMs = Number(env.SHUTDOWN_DRAIN_DELAY_MS ?? 0);
  const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
  if (graceMs <= shutdownTimeoutMs)
    fail(
      'shutdown',
      `terminationGracePeriodSeconds (${graceMs / 1000} s) must exceed SHUTDOWN_TIMEOUT_MS (${shutdownTimeoutMs} ms)`,
    );
  const readinessPeriodMs = (readiness?.periodSeconds ?? 10) * 1000;
  if (drainDelayMs < readinessPeriodMs)
    fail(
      'shutdown',
      `SHUTDOWN_DRAIN_DELAY_MS (${drainDelayMs} ms) must cover a readiness period (${readinessPeriodMs} ms) so the endpoint is removed before the listener closes`,
    );

  // Hardening.
  const sc = container.securityContext ?? {};
  if (sc.readOnlyRootFilesystem !== true) fail('hardening', 'readOnlyRootFilesystem must be true');
  if (sc.allowPrivilegeEscalation !== false) fail('hardening', 'allowPrivilegeEscalation must be false');
  if (sc.privileged) fail('hardening', 'the container must not be privileged');
  if (!sc.capabilities?.drop?.includes('ALL')) fail('hardening', 'capabilities must drop ALL');
  if (sc.capabilities?.add?.length)
    fail('hardening', `capabilities added: ${sc.capabilities.add.join(', ')}`);
  const nonRoot = sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
  const uid = sc.runAsUser ?? pod.securityContext?.runAsUser;
  if (nonRoot !== true || uid === 0)
    fail('hardening', 'the pod must run as non-root (runAsNonRoot, uid ≠ 0)');
  if (pod.hostNetwork) fail('hardening', 'hostNetwork must not be used');
  if (pod.automountServiceAccountToken !== false)
    fail('hardening', 'automountServiceAccountToken must be false (the service never calls the API)');

  // Resources consistent with load shedding: the service sheds load before the kernel kills it.
  checkResources(container, env, fail, hpa !== undefined);

  // Service and PodDisruptionBudget select the pods and reach the port.
  const selects = (selector: Record<string, string> | undefined) =>
    selector !== undefined &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => podLabels[k] === v);
  for (const service of objects.filter((o) => o.kind === 'Service') as (KubeObject & {
    spec: { selector?: Record<string, string>; ports: { targetPort?: number | string; port: number }[] };
  })[]) {
    if (!selects(service.spec.selector))
      fail('service', `Service "${service.metadata.name}" does not select the Deployment's pods`);
    for (const p of service.spec.ports)
      if (portOf(p.targetPort ?? p.port) !== port)
        fail(
          'service',
          `Service port ${p.port} targets ${String(p.targetPort)}, not the service's port ${port}`,
        );
  }
  const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget') as
    | (KubeObject & {
        spec: {
          minAvailable?: number | string;
          maxUnavailable?: number | string;
          selector?: { matchLabels?: Record<string, string> };
        };
      })
    | undefined;
  if (pdb) {
    if (!selects(pdb.spec.selector?.matchLabels))
      fail('disruption-budget', "the PodDisruptionBudget does not select the Deployment's pods");
    const minReplicas = Math.min(replicas, hpa?.spec.minReplicas ?? replicas);
    if (typeof pdb.spec.minAvailable === 'number' && pdb.spec.minAvailable >= minReplicas)
      fail(
        'disruption-budget',
        `minAvailable ${pdb.spec.minAvailable} leaves no pod evictable with ${minReplicas} replicas`,
      );
  }

  checkNetworkPolicy(objects, selects, portOf, port, fail);
  checkServiceConfig(container, pod, configMaps, env, fail);
  return findings;
}

const memoryBytes = (q: string | undefined): number | undefined => {
  if (q === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) return undefined;
  const unit =
    { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
};
const cpuCores = (q: string | undefined): number | undefined =>
  q === undefined ? undefined : q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q);

function checkResources(
  container: Container,
  env: Record<string, string>,
  fail: (rule: RuleId, message: string) => void,
  autoscaled: boolean,
) {
  const { requests = {}, limits = {} } = container.resources ?? {};
  const memRequest = memoryBytes(requests.memory);
  const memLimit = memoryBytes(limits.memory);
  const cpuRequest = cpuCores(requests.cpu);
  const cpuLimit = cpuCores(limits.cpu);
  if (memRequest === undefined || memLimit === undefined)
    return fail('resources', 'memory requests and limits must both be set');
  if (cpuRequest === undefined)
    return fail('resources', 'a cpu request must be set (the autoscaler scales on it)');
  if (memRequest > memLimit) fail('resources', 'the memory request exceeds the limit');
  if (cpuLimit !== undefined && cpuLimit < cpuRequest)
    fail('resources', 'the cpu limit is below the request');
  if (cpuLimit !== undefined && cpuLimit < 1)
    fail('resources', 'a cpu limit below one core throttles the event loop and trips load shedding early');
  const rssLimit = Number(env.PRESSURE_MAX_RSS_BYTES ?? 0);
  if (!(rssLimit > 0))
    fail('resources', 'PRESSURE_MAX_RSS_BYTES must be set so the service sheds load before the memory limit');
  else if (rssLimit >= memLimit * 0.9)
    fail(
      'resources',
      `PRESSURE_MAX_RSS_BYTES (${rssLimit}) must stay below 90 % of the memory limit (${memLimit}) to shed load before the OOM kill`,
    );
  else if (rssLimit <= memRequest)
    fail(
      'resources',
      `PRESSURE_MAX_RSS_BYTES (${rssLimit}) at or below the memory request sheds load in normal use`,
    );
  if (!autoscaled) fail('resources', 'no HorizontalPodAutoscaler');
}

interface NetworkPolicyPeer {
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string; except?: string[] };
}
interface NetworkPolicyRule {
  ports?: { port?: number | string; protocol?: string }[];
  from?: NetworkPolicyPeer[];
  to?: NetworkPolicyPeer[];
}

function checkNetworkPolicy(
  objects: KubeObject[],
  selects: (selector: Record<string, string> | undefined) => boolean,
  portOf: (ref: number | string | undefined) => number | undefined,
  port: number,
  fail: (rule: RuleId, message: string) => void,
) {
  const policy = objects.find((o) => o.kind === 'NetworkPolicy') as
    | (KubeObject & {
        spec: {
          podSelector: { matchLabels?: Record<string, string> };
          policyTypes?: string[];
          ingress?: NetworkPolicyRule[];
          egress?: NetworkPolicyRule[];
        };
      })
    | undefined;
  if (!policy) return;
  const spec = policy.spec;
  if (!selects(spec.podSelector.matchLabels))
    fail('network-policy', 'the NetworkPolicy does not select the pods');
  for (const type of ['Ingress', 'Egress'])
    if (!spec.policyTypes?.includes(type)) fail('network-policy', `policyTypes must include ${type}`);
  const ingress = spec.ingress ?? [];
  if (ingress.length === 0) fail('network-policy', 'no ingress rule: the EHR could not reach the service');
  for (const rule of ingress) {
    if (!rule.from?.length) fail('network-policy', 'an ingress rule without "from" admits every source');
    if (!rule.ports?.length || rule.ports.some((p) => portOf(p.port) !== port))
      fail('network-policy', `ingress must be limited to the service's port ${port}`);
    for (const peer of rule.from ?? [])
      if (peer.ipBlock?.cidr === '0.0.0.0/0') fail('network-policy', 'ingress from 0.0.0.0/0');
  }
  const egress = spec.egress ?? [];
  const allows = (p: number, protocol = 'TCP') =>
    egress.some((rule) => rule.ports?.some((x) => x.port === p && (x.protocol ?? 'TCP') === protocol));
  if (!allows(53, 'UDP')) fail('network-policy', 'egress must allow DNS (53/UDP)');
  if (!allows(5432)) fail('network-policy', 'egress must allow PostgreSQL (5432)');
  if (!allows(6379)) fail('network-policy', 'egress must allow Redis (6379)');
  if (!allows(443)) fail('network-policy', 'egress must allow the FHIR servers (443)');
  for (const rule of egress) {
    if (!rule.ports?.length) fail('network-policy', 'an egress rule without ports allows every port');
    for (const peer of rule.to ?? [])
      if (peer.ipBlock?.cidr === '0.0.0.0/0' && !peer.ipBlock.except?.some((e) => e.startsWith('169.254.')))
        fail(
          'network-policy',
          'egress to 0.0.0.0/0 must exclude the link-local metadata range 169.254.0.0/16',
        );
  }
}

/**
 * The configuration the pod would get (ConfigMaps, the documented Secret's example values, mounted files) must be
 * one the service accepts: the same loadConfig the service runs at start-up, so a manifest that would crash-loop
 * fails here.
 */
function checkServiceConfig(
  container: Container,
  pod: Deployment['spec']['template']['spec'],
  configMaps: Map<string, Record<string, string>>,
  env: Record<string, string>,
  fail: (rule: RuleId, message: string) => void,
) {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-config-'));
  try {
    const resolved = { ...env };
    for (const [name, value] of Object.entries(env)) {
      if (!value.startsWith('/')) continue;
      // A path inside a mounted ConfigMap: give loadConfig the file's content at a real path.
      for (const mount of container.volumeMounts ?? []) {
        if (!value.startsWith(mount.mountPath + '/')) continue;
        const volume = pod.volumes?.find((v) => v.name === mount.name);
        const key = value.slice(mount.mountPath.length + 1);
        if (!volume?.configMap) continue;
        const data = configMaps.get(volume.configMap.name);
        if (!data) {
          fail(
            'config-refs',
            `volume "${volume.name}" names ConfigMap "${volume.configMap.name}", which is not defined`,
          );
        } else if (data[key] === undefined) {
          fail('config-refs', `${name}=${value}: ConfigMap "${volume.configMap.name}" has no key "${key}"`);
        } else {
          const file = join(dir, `${mount.name}-${key}`);
          writeFileSync(file, data[key]!);
          resolved[name] = file;
        }
      }
    }
    try {
      loadConfig(resolved);
    } catch (err) {
      fail('service-config', `the service would refuse this configuration: ${(err as Error).message}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
