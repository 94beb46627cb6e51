import { describe, expect, it } from 'vitest';
import { BREAKAGES } from '../../scripts/check-lib/k8s-breakages.js';
import { BASE_DIR, checkWithProjectRules, rulesContext } from '../../scripts/check-lib/k8s-context.js';
import { validateSchemas } from '../../scripts/check-lib/k8s-schema.js';
import { cloneObjects, readKustomizeBase } from '../../scripts/check-lib/kube-objects.js';

/**
 * The fast half of `npm run check:k8s`: the kustomize base (read without kustomize) against the Kubernetes JSON
 * schemas and the project's rules, and every negative test caught by the check it is meant for. Rendering the
 * overlays with real kustomize and running the Deployment under podman stay in the slow command.
 */
const base = readKustomizeBase(BASE_DIR);

describe('Kubernetes base (deploy/kubernetes/base)', () => {
  it('validates against the Kubernetes schemas', async () => {
    expect(await validateSchemas(base)).toEqual([]);
  });

  it('follows the project rules', () => {
    expect(checkWithProjectRules(base)).toEqual([]);
  });

  it('derives the variable names from the service, not from a list kept here', () => {
    const names = rulesContext().serviceEnv;
    expect(names.has('SHUTDOWN_TIMEOUT_MS')).toBe(true);
    expect(names.has('DATABASE_URL')).toBe(true);
    expect(names.has('SHUTDOWN_TIMEOUT')).toBe(false);
  });

  it.each(BREAKAGES.map((b) => [b.name, b] as const))('catches %s', async (_name, breakage) => {
    const broken = cloneObjects(base);
    breakage.apply(broken);
    if (breakage.caughtBy === 'schema') {
      expect(await validateSchemas(broken)).not.toEqual([]);
    } else {
      expect(checkWithProjectRules(broken).map((f) => f.rule)).toContain(breakage.caughtBy);
    }
  });
});
