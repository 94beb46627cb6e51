import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as rendered (kustomize output) or read from a manifest: only the fields the checks use. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface Probe {
  httpGet?: { path?: string; port?: number | string };
  periodSeconds?: number;
  failureThreshold?: number;
  timeoutSeconds?: number;
}

export interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
}

export interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: {
    name: string;
    configMap?: { name: string };
    secret?: { secretName: string };
    emptyDir?: object;
  }[];
  hostNetwork?: boolean;
}

export interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels?: Record<string, string> };
    template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
  };
}

export const isKind =
  <T extends KubeObject = KubeObject>(kind: string) =>
  (o: KubeObject): o is T =>
    o.kind === kind;

/** Every document of a multi-document YAML text (empty documents dropped). */
export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML: ${doc.errors[0]!.message}`);
      return doc.toJS() as KubeObject | null;
    })
    .filter((o): o is KubeObject => o !== null && typeof o === 'object');
}

export const toYaml = (objects: KubeObject[]): string =>
  objects.map((o) => JSON.stringify(o)).join('\n---\n') + '\n';

/** A deep copy, for breaking manifests without touching the originals. */
export const cloneObjects = (objects: KubeObject[]): KubeObject[] => structuredClone(objects);

interface Kustomization {
  resources?: string[];
  configMapGenerator?: { name: string; envs?: string[]; files?: string[]; behavior?: string }[];
}

/**
 * Reads a kustomize *base* without kustomize: its resource files and its ConfigMap generators (names without the
 * content hash kustomize adds; references stay consistent either way). Enough for the fast checks in `npm test`;
 * `npm run check:k8s` renders the base and the overlays with real kustomize.
 */
export function readKustomizeBase(dir: string): KubeObject[] {
  const [kustomization] = parseManifests(
    readFileSync(join(dir, 'kustomization.yaml'), 'utf8'),
  ) as unknown as Kustomization[];
  const objects: KubeObject[] = [];
  for (const resource of kustomization?.resources ?? []) {
    const path = join(dir, resource);
    if (!existsSync(path) || statSync(path).isDirectory())
      throw new Error(
        `${resource}: only files are supported by the fast reader (render overlays with kustomize)`,
      );
    objects.push(...parseManifests(readFileSync(path, 'utf8')));
  }
  for (const generator of kustomization?.configMapGenerator ?? []) {
    const data: Record<string, string> = {};
    for (const envFile of generator.envs ?? [])
      Object.assign(data, parseEnvFile(readFileSync(join(dir, envFile), 'utf8')));
    for (const file of generator.files ?? []) data[basename(file)] = readFileSync(join(dir, file), 'utf8');
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name }, data });
  }
  return objects;
}

/** `NAME=value` lines as kustomize's `envs` reads them (blank lines and # comments skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(`not NAME=value: ${trimmed}`);
    out[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return out;
}
