/**
 * `npm run check:k8s`: the Kubernetes manifests in deploy/kubernetes/, proven offline.
 *   1. renders the base and every overlay with kustomize (`kustomize build`, or `kubectl kustomize`);
 *   2. validates every object against the Kubernetes JSON schemas (the kubernetes-models package);
 *   3. applies the project's rules (probe paths and port, variable names the service reads, Secret keys,
 *      grace period vs SHUTDOWN_TIMEOUT_MS, drain delay, hardening, resources vs load shedding, network policy,
 *      and the configuration passing the service's own loadConfig);
 *   4. negative tests: each breakage of the example overlay's rendering must be caught by its check;
 *   5. smoke-runs the rendered Deployment with `podman kube play` (the image is built if missing, with the same
 *      steps as check:image): ready, a hook call with an EHR token, the same token refused again, read-only root,
 *      uid 1000; then `podman kube down` and clean-up. `--no-smoke` skips this step.
 * Exits non-zero on the first failure.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Checklist, expectThat } from './check-lib/checklist.js';
import { BREAKAGES } from './check-lib/k8s-breakages.js';
import { checkWithProjectRules, KUBERNETES_DIR } from './check-lib/k8s-context.js';
import { validateSchemas } from './check-lib/k8s-schema.js';
import { cloneObjects, parseManifests, type KubeObject } from './check-lib/kube-objects.js';
import { smokeRunDeployment } from './check-lib/k8s-smoke.js';

const exec = promisify(execFile);
const list = new Checklist('check:k8s — deploy/kubernetes rendered, validated and run');

async function kustomizeCommand(): Promise<[string, string[]]> {
  for (const [command, args] of [
    ['kustomize', ['build']],
    ['kubectl', ['kustomize']],
  ] as const) {
    try {
      await exec(command, [...args, '--help']);
      return [command, [...args]];
    } catch {
      // not installed
    }
  }
  throw new Error('kustomize is needed: install `kustomize`, or kubectl (which includes it)');
}

async function render(dir: string): Promise<KubeObject[]> {
  const [command, args] = await kustomizeCommand();
  const { stdout } = await exec(command, [...args, dir], { maxBuffer: 16 * 1024 * 1024 });
  return parseManifests(stdout);
}

async function main() {
  const smoke = !process.argv.includes('--no-smoke');
  const targets = [
    ['base', join(KUBERNETES_DIR, 'base')],
    ...readdirSync(join(KUBERNETES_DIR, 'overlays')).map((name) => [
      `overlays/${name}`,
      join(KUBERNETES_DIR, 'overlays', name),
    ]),
  ] as const;
  const rendered = new Map<string, KubeObject[]>();
  for (const [name, dir] of targets) {
    const objects = await list.check(`kustomize renders ${name}`, async () => {
      const [command, args] = await kustomizeCommand();
      const objects = await render(dir);
      return {
        value: objects,
        detail: `${command} ${args.join(' ')}: ${objects.map((o) => o.kind).join(', ')}`,
      };
    });
    rendered.set(name, objects);
    await list.check(`${name}: Kubernetes schemas`, async () => {
      const problems = await validateSchemas(objects);
      expectThat(problems.length === 0, problems.join('; '));
      return { value: undefined, detail: `${objects.length} objects valid` };
    });
    await list.check(`${name}: project rules`, async () => {
      const findings = checkWithProjectRules(objects);
      expectThat(findings.length === 0, findings.map((f) => `[${f.rule}] ${f.message}`).join('; '));
    });
  }

  const example = rendered.get('overlays/example');
  expectThat(example !== undefined, 'no overlays/example');
  await list.check(
    `negative tests: ${BREAKAGES.length} breakages of overlays/example, each caught`,
    async () => {
      const missed: string[] = [];
      for (const breakage of BREAKAGES) {
        const broken = cloneObjects(example);
        breakage.apply(broken);
        const caught =
          breakage.caughtBy === 'schema'
            ? (await validateSchemas(broken)).length > 0
            : checkWithProjectRules(broken).some((f) => f.rule === breakage.caughtBy);
        if (!caught) missed.push(`${breakage.name} (expected ${breakage.caughtBy})`);
        else list.log(`caught by ${breakage.caughtBy}: ${breakage.name}`);
      }
      expectThat(missed.length === 0, `not caught: ${missed.join('; ')}`);
    },
  );

  if (smoke) await smokeRunDeployment(example, list);
  else list.log('smoke run skipped (--no-smoke)');
}

list.run(main);
