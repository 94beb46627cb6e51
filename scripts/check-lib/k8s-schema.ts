import type { KubeObject } from './kube-objects.js';

/**
 * Validates each object against the Kubernetes OpenAPI schemas shipped in the `kubernetes-models` package
 * (offline: no cluster, no download). The model class is found from apiVersion and kind, e.g. apps/v1 Deployment
 * → kubernetes-models/apps/v1/Deployment; an unknown kind is itself a finding.
 */
export async function validateSchemas(objects: KubeObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    const where = `${object.kind ?? '?'} "${object.metadata?.name ?? '?'}"`;
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      problems.push(`${where}: apiVersion and kind are required`);
      continue;
    }
    const [group, version] = object.apiVersion.includes('/')
      ? object.apiVersion.split('/')
      : [undefined, object.apiVersion];
    const module = `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`;
    let Model: new (data: unknown) => { validate(): void };
    try {
      const loaded = (await import(module)) as Record<string, typeof Model>;
      Model = loaded[object.kind]!;
      if (typeof Model !== 'function') throw new Error('no model');
    } catch {
      problems.push(`${where}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (err) {
      problems.push(`${where}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return problems;
}
