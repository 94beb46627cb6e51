import { readFileSync } from 'node:fs';
import { projectPath } from '../../src/paths.js';
import { checkManifests, type Finding, type RulesContext } from './k8s-rules.js';
import { parseManifests, type KubeObject } from './kube-objects.js';
import { imageEnvDefaults, serviceEnvNames } from './service-env.js';

export const KUBERNETES_DIR = projectPath('deploy', 'kubernetes');
export const BASE_DIR = projectPath('deploy', 'kubernetes', 'base');
/** The out-of-band Secret's keys, with placeholder values (not part of the kustomization). */
export const SECRET_EXAMPLE = projectPath('deploy', 'kubernetes', 'base', 'secret.example.yaml');

export function readSecretExamples(): Map<string, Record<string, string>> {
  const secrets = new Map<string, Record<string, string>>();
  for (const secret of parseManifests(readFileSync(SECRET_EXAMPLE, 'utf8'))) {
    if (secret.kind !== 'Secret') throw new Error(`${SECRET_EXAMPLE}: only Secrets belong here`);
    const data = (secret.stringData ?? {}) as Record<string, string>;
    secrets.set(secret.metadata.name, data);
  }
  return secrets;
}

let context: RulesContext | undefined;
export function rulesContext(): RulesContext {
  context ??= { serviceEnv: serviceEnvNames(), secrets: readSecretExamples(), imageEnv: imageEnvDefaults() };
  return context;
}

export const checkWithProjectRules = (objects: KubeObject[]): Finding[] =>
  checkManifests(objects, rulesContext());
