import type { FhirResource } from './types.js';

/**
 * References inside a Bundle by `fullUrl` (issue #16 item 4). Transaction-style clients (and C-CDA conversions)
 * give entries `fullUrl: "urn:uuid:…"` (or `urn:oid:…`), often without an `id`, and refer to them by that URN:
 * `medicationReference: {reference: "urn:uuid:…"}`, `subject: {reference: "urn:uuid:…"}`. A URN means something
 * only within its Bundle (FHIR Bundle §"Resolving references in Bundles"), so it is resolved here, when the Bundle's
 * entries are taken out of it: every reference that names the fullUrl of an entry of the same Bundle is rewritten to
 * that entry's `Type/id`, and an entry without an `id` is given the URN's own value as its id. The readers downstream
 * then resolve it like any relative reference (contained `#id`, `Type/id` and absolute URLs need nothing here).
 *
 * Copy on write: a resource with no such reference is passed through as the same object, and a Bundle without URN
 * entries costs one scan of its fullUrls.
 */

const URN = /^urn:(uuid|oid):([A-Za-z0-9.-]{1,64})$/;

interface Entry {
  fullUrl?: unknown;
  resource: FhirResource;
}

/** The resources of `entries`, their in-Bundle URN references rewritten to `Type/id`. */
export function resolveBundleReferences(entries: readonly Entry[]): FhirResource[] {
  let targets: Map<string, string> | undefined;
  const resources = entries.map((entry) => {
    const { fullUrl, resource } = entry;
    if (typeof fullUrl !== 'string' || !fullUrl.startsWith('urn:')) return resource;
    const urn = URN.exec(fullUrl);
    if (!urn) return resource;
    const id = typeof resource.id === 'string' && resource.id.length > 0 ? resource.id : urn[2]!;
    (targets ??= new Map()).set(fullUrl, `${resource.resourceType}/${id}`);
    return resource.id === id ? resource : { ...resource, id };
  });
  if (!targets) return resources;
  const map = targets;
  return resources.map((resource) => rewrite(resource, map) as FhirResource);
}

/** `value` with every `reference` found in `targets` rewritten; the same object when nothing changed. */
function rewrite(value: unknown, targets: ReadonlyMap<string, string>, depth = 0): unknown {
  // FHIR resources are shallow; the bound keeps a hostile body from recursing without end.
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = rewrite(value[i], targets, depth + 1);
      if (next !== value[i]) (out ??= [...value])[i] = next;
    }
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key in record) {
    const item = record[key];
    let next: unknown;
    if (key === 'reference' && typeof item === 'string') next = targets.get(item) ?? item;
    else next = rewrite(item, targets, depth + 1);
    if (next !== item) (out ??= { ...record })[key] = next;
  }
  return out ?? value;
}
