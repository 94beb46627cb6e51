import type { RuleId } from './k8s-rules.js';
import type { Container, Deployment, KubeObject } from './kube-objects.js';

/**
 * Negative tests: each breaks a correct rendering in one way that a deployment could really get wrong, and names
 * the check that must catch it (`schema` = the Kubernetes JSON schemas, otherwise a project rule).
 */
export interface Breakage {
  name: string;
  caughtBy: RuleId | 'schema';
  apply(objects: KubeObject[]): void;
}

const find = <T extends KubeObject>(objects: KubeObject[], kind: string) => {
  const found = objects.find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} to break`);
  return found as T;
};
const deployment = (objects: KubeObject[]) => find<Deployment>(objects, 'Deployment');
const container = (objects: KubeObject[]): Container => deployment(objects).spec.template.spec.containers[0]!;
const configData = (objects: KubeObject[]): Record<string, string> => {
  const ref = container(objects).envFrom?.find((f) => f.configMapRef)?.configMapRef?.name;
  const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === ref);
  if (!map) throw new Error('no ConfigMap in envFrom to break');
  return (map.data ??= {}) as Record<string, string>;
};
const dropEnv = (objects: KubeObject[], name: string) => {
  const c = container(objects);
  c.env = (c.env ?? []).filter((e) => e.name !== name);
};

export const BREAKAGES: Breakage[] = [
  {
    name: 'a container port given as a string',
    caughtBy: 'schema',
    apply: (o) => {
      (container(o).ports![0] as { containerPort: unknown }).containerPort = '3000';
    },
  },
  {
    name: 'replicas given as a word',
    caughtBy: 'schema',
    apply: (o) => {
      (deployment(o).spec as { replicas: unknown }).replicas = 'two';
    },
  },
  {
    name: 'a Service without ports',
    caughtBy: 'schema',
    apply: (o) => {
      delete (find<KubeObject & { spec: { ports?: unknown } }>(o, 'Service').spec as { ports?: unknown })
        .ports;
      (
        find<KubeObject & { spec: Record<string, unknown> }>(o, 'Service').spec as Record<string, unknown>
      ).type = 'Balanced';
    },
  },
  {
    name: 'one replica',
    caughtBy: 'replicas',
    apply: (o) => {
      deployment(o).spec.replicas = 1;
    },
  },
  {
    name: 'an autoscaler that may go down to one replica',
    caughtBy: 'replicas',
    apply: (o) => {
      find<KubeObject & { spec: { minReplicas: number } }>(o, 'HorizontalPodAutoscaler').spec.minReplicas = 1;
    },
  },
  {
    name: 'several replicas without REDIS_URL',
    caughtBy: 'shared-stores',
    apply: (o) => dropEnv(o, 'REDIS_URL'),
  },
  {
    name: 'several replicas without DATABASE_URL',
    caughtBy: 'shared-stores',
    apply: (o) => dropEnv(o, 'DATABASE_URL'),
  },
  {
    name: 'liveness probe on a path the service does not serve',
    caughtBy: 'probes',
    apply: (o) => {
      container(o).livenessProbe!.httpGet!.path = '/health';
    },
  },
  {
    name: 'readiness probe on /healthz (never leaves rotation)',
    caughtBy: 'probes',
    apply: (o) => {
      container(o).readinessProbe!.httpGet!.path = '/healthz';
    },
  },
  {
    name: 'PORT changed without the container port and probes',
    caughtBy: 'probes',
    apply: (o) => {
      configData(o).PORT = '8080';
    },
  },
  {
    name: 'Service targeting the wrong port',
    caughtBy: 'service',
    apply: (o) => {
      find<KubeObject & { spec: { ports: { targetPort: unknown }[] } }>(
        o,
        'Service',
      ).spec.ports[0]!.targetPort = 8080;
    },
  },
  {
    name: 'Service selecting other pods',
    caughtBy: 'service',
    apply: (o) => {
      find<KubeObject & { spec: { selector: Record<string, string> } }>(o, 'Service').spec.selector = {
        app: 'something-else',
      };
    },
  },
  {
    name: 'a misspelt variable in the ConfigMap',
    caughtBy: 'env-names',
    apply: (o) => {
      configData(o).SHUTDOWN_TIMEOUT = '20000';
    },
  },
  {
    name: 'a secret key the Secret does not have',
    caughtBy: 'secrets',
    apply: (o) => {
      container(o).env!.find((e) => e.name === 'PATIENT_HASH_SECRET')!.valueFrom!.secretKeyRef!.key =
        'HASH_SECRET';
    },
  },
  {
    name: 'a secret given as a literal value',
    caughtBy: 'secrets',
    apply: (o) => {
      dropEnv(o, 'PATIENT_HASH_SECRET');
      container(o).env!.push({ name: 'PATIENT_HASH_SECRET', value: 'x'.repeat(40) });
    },
  },
  {
    name: 'a Secret with its values in the manifests',
    caughtBy: 'secrets',
    apply: (o) => {
      o.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'dmab-cds-secrets' },
        stringData: { A: 'b' },
      });
    },
  },
  {
    name: 'envFrom naming a ConfigMap that does not exist',
    caughtBy: 'config-refs',
    apply: (o) => {
      container(o).envFrom![0]!.configMapRef!.name = 'no-such-config';
    },
  },
  {
    name: 'grace period shorter than SHUTDOWN_TIMEOUT_MS',
    caughtBy: 'shutdown',
    apply: (o) => {
      deployment(o).spec.template.spec.terminationGracePeriodSeconds = 10;
    },
  },
  {
    name: 'no drain delay (the listener closes while the endpoint is still listed)',
    caughtBy: 'shutdown',
    apply: (o) => {
      configData(o).SHUTDOWN_DRAIN_DELAY_MS = '0';
    },
  },
  {
    name: 'writable root filesystem',
    caughtBy: 'hardening',
    apply: (o) => {
      container(o).securityContext!.readOnlyRootFilesystem = false;
    },
  },
  {
    name: 'running as root',
    caughtBy: 'hardening',
    apply: (o) => {
      const pod = deployment(o).spec.template.spec;
      pod.securityContext = { runAsNonRoot: false, runAsUser: 0 };
      container(o).securityContext!.runAsNonRoot = false;
    },
  },
  {
    name: 'capabilities kept',
    caughtBy: 'hardening',
    apply: (o) => {
      container(o).securityContext!.capabilities = { add: ['NET_ADMIN'] };
    },
  },
  {
    name: 'memory limit below the load-shedding threshold',
    caughtBy: 'resources',
    apply: (o) => {
      container(o).resources!.limits!.memory = '256Mi';
      container(o).resources!.requests!.memory = '128Mi';
    },
  },
  {
    name: 'no load-shedding memory threshold',
    caughtBy: 'resources',
    apply: (o) => {
      delete configData(o).PRESSURE_MAX_RSS_BYTES;
    },
  },
  {
    name: 'a disruption budget that blocks every eviction',
    caughtBy: 'disruption-budget',
    apply: (o) => {
      find<KubeObject & { spec: { minAvailable: number } }>(o, 'PodDisruptionBudget').spec.minAvailable = 10;
    },
  },
  {
    name: 'a network policy without DNS',
    caughtBy: 'network-policy',
    apply: (o) => {
      const policy = find<KubeObject & { spec: { egress: { ports?: { port?: unknown }[] }[] } }>(
        o,
        'NetworkPolicy',
      );
      policy.spec.egress = policy.spec.egress.filter((r) => !r.ports?.some((p) => p.port === 53));
    },
  },
  {
    name: 'a network policy open to all ingress',
    caughtBy: 'network-policy',
    apply: (o) => {
      find<KubeObject & { spec: { ingress: unknown[] } }>(o, 'NetworkPolicy').spec.ingress = [{}];
    },
  },
  {
    name: 'a value the service refuses (CDS_AUTH=sometimes)',
    caughtBy: 'service-config',
    apply: (o) => {
      configData(o).CDS_AUTH = 'sometimes';
    },
  },
];
