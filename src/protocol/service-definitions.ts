import { z } from 'zod';
import type { HookName } from './types.js';
import { assertValidTemplate } from './prefetch/templates.js';

/** The service definitions of `hooks/` (read by the service layer's knowledge loader), checked once at start-up. */

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
  /** Keys that only add evidence: a client without fhirServer may leave them out (see ServiceDefinition). */
  supplementary: z.array(z.string()).optional(),
});

export interface ServiceDefinition {
  id: string;
  hook: HookName;
  title: string;
  description: string;
  usageRequirements?: string;
  prefetch: Record<string, string>;
  /**
   * Prefetch keys that only add evidence to what the other keys hold (dispensed and billed doses, issue #16): a
   * client that built its prefetch from an older discovery document leaves them out, and without a fhirServer they
   * are read as "no data" (named on the cards) instead of a 412. Only in the service layer, never in discovery.
   */
  supplementaryPrefetch: readonly string[];
}

/** Check `hooks/services.json` and `hooks/prefetch-templates.json` (parsed JSON) and build the definitions. */
export function parseServiceDefinitions(servicesJson: unknown, templatesJson: unknown): ServiceDefinition[] {
  const { services } = serviceFile.parse(servicesJson);
  const templates = templatesFile.parse(templatesJson);
  const shared = templates.prefetch;
  const supplementary = templates.supplementary ?? [];
  for (const key of supplementary)
    if (!Object.hasOwn(shared, key))
      throw new Error(`hooks/prefetch-templates.json: supplementary key ${key} has no template`);
  const ids = new Set<string>();
  return services.map((s) => {
    // The sandbox keys services by id: a duplicate id silently hides one of them.
    if (ids.has(s.id)) throw new Error(`hooks/services.json: duplicate service id ${s.id}`);
    ids.add(s.id);
    const prefetch = s.prefetch ?? shared;
    for (const [key, template] of Object.entries(prefetch)) assertValidTemplate(s.hook, key, template);
    const supplementaryPrefetch = supplementary.filter((key) => Object.hasOwn(prefetch, key));
    return { ...s, prefetch, supplementaryPrefetch };
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
