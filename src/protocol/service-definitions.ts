import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { projectPath } from '../paths.js';
import type { HookName } from './types.js';
import { assertValidTemplate } from './prefetch/templates.js';

/** The service definitions in `hooks/`, loaded and checked once at start-up. */

const hookName = z.enum(['patient-view', 'order-select', 'order-sign']);

const serviceFile = z.object({
  services: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
        hook: hookName,
        title: z.string().min(1),
        description: z.string().min(1),
        usageRequirements: z.string().min(1).optional(),
        prefetch: z.record(z.string(), z.string().min(1)).optional(),
      }),
    )
    .min(1),
});

const templatesFile = z.object({
  prefetch: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.string().min(1)),
});

export interface ServiceDefinition {
  id: string;
  hook: HookName;
  title: string;
  description: string;
  usageRequirements?: string;
  prefetch: Record<string, string>;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(projectPath('hooks', file), 'utf8'));
}

export function loadServiceDefinitions(): ServiceDefinition[] {
  const { services } = serviceFile.parse(readJson('services.json'));
  const shared = templatesFile.parse(readJson('prefetch-templates.json')).prefetch;
  const ids = new Set<string>();
  return services.map((s) => {
    // The sandbox keys services by id: a duplicate id silently hides one of them.
    if (ids.has(s.id)) throw new Error(`hooks/services.json: duplicate service id ${s.id}`);
    ids.add(s.id);
    const prefetch = s.prefetch ?? shared;
    for (const [key, template] of Object.entries(prefetch)) assertValidTemplate(s.hook, key, template);
    return { ...s, prefetch };
  });
}

/** The discovery document (`GET /cds-services`), built once. */
export function discoveryDocument(services: ServiceDefinition[]) {
  return {
    services: services.map((s) => ({
      hook: s.hook,
      title: s.title,
      description: s.description,
      id: s.id,
      prefetch: s.prefetch,
      ...(s.usageRequirements ? { usageRequirements: s.usageRequirements } : {}),
    })),
  };
}
