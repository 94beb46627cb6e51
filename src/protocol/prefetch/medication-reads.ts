import { FhirFetchError, type FhirCallContext, type FhirClient } from '../fhir-client.js';
import type { FhirResource } from '../types.js';
import type { ServerCapabilities } from './capabilities.js';
import { saysUnsupported } from './fallback-query.js';

/**
 * The last step of medication identity (issue #16 item 1): the Medications that neither the referring resource
 * (contained), nor the prefetch/fallback data, nor the draftOrders Bundle carry are read from fhirServer. The record
 * builder names them (`unresolvedMedicationReferences`); this module only fetches:
 * - deduplicated, as few `Medication?_id=a,b,c` searches as the URL length allows (usually one);
 * - individual reads where the server's statement has Medication read but not search, or refuses `_id`;
 * - under the request's deadline and guards, with its token (the caller's FhirCallContext);
 * - never a failure of the hook call: what cannot be read stays unresolved, and the record builder then uses the
 *   reference's display text as a text match (decision 5). The outcome says why, for logs and metrics.
 */

export type MedicationReadOutcome = 'ok' | 'partial' | 'unavailable' | 'failed';

export interface MedicationReadResult {
  medications: FhirResource[];
  outcome: MedicationReadOutcome;
}

export interface MedicationReadLimits {
  /** Distinct Medications read per hook call at most (the rest keep their display text). */
  maxIds: number;
  /** Longest `_id` search URL path+query sent (servers and proxies commonly refuse beyond 2–8 KB). */
  maxQueryLength: number;
  /** Individual reads at most, when a search is not possible. */
  maxReads: number;
}

const DEFAULT_MEDICATION_READ_LIMITS: MedicationReadLimits = {
  maxIds: 500,
  maxQueryLength: 2000,
  maxReads: 20,
};

export async function readMedications(
  keys: readonly string[],
  client: FhirClient,
  ctx: FhirCallContext,
  caps: ServerCapabilities,
  limits: MedicationReadLimits = DEFAULT_MEDICATION_READ_LIMITS,
): Promise<MedicationReadResult> {
  const ids = [...new Set(keys.map((k) => k.replace(/^Medication\//, '')))].slice(0, limits.maxIds);
  if (ids.length === 0) return { medications: [], outcome: 'ok' };
  const medication = caps.types?.get('Medication');
  if (caps.types && (!medication || (!medication.search && !medication.read)))
    return { medications: [], outcome: 'unavailable' };
  const canSearchById =
    !caps.types ||
    (medication!.search &&
      (medication!.searchParams === undefined ||
        medication!.searchParams.has('_id') ||
        caps.commonSearchParams.has('_id')));

  const found: FhirResource[] = [];
  let failed = 0;
  const byRead = async (list: readonly string[]) => {
    await Promise.all(
      list.slice(0, limits.maxReads).map(async (id) => {
        try {
          found.push(...(await client.query(`Medication/${encodeURIComponent(id)}`, ctx)));
        } catch {
          failed++;
        }
      }),
    );
    if (list.length > limits.maxReads) failed += list.length - limits.maxReads;
  };

  if (canSearchById) {
    await Promise.all(
      chunks(ids, limits.maxQueryLength).map(async (chunk) => {
        try {
          found.push(
            ...(await client.query(`Medication?_id=${chunk.map(encodeURIComponent).join(',')}`, ctx)),
          );
        } catch (err) {
          // `_id` refused (or Medication search not supported): read them one by one instead.
          if (err instanceof FhirFetchError && saysUnsupported(err, true)) await byRead(chunk);
          else failed += chunk.length;
        }
      }),
    );
  } else {
    await byRead(ids);
  }

  const wanted = new Set(ids);
  const medications = found.filter(
    (r) => r.resourceType === 'Medication' && typeof r.id === 'string' && wanted.has(r.id),
  );
  const outcome: MedicationReadOutcome =
    failed === 0 ? 'ok' : medications.length > 0 || failed < ids.length ? 'partial' : 'failed';
  return { medications, outcome };
}

/** Ids grouped so that each `Medication?_id=…` stays under `maxLength` characters. */
function chunks(ids: readonly string[], maxLength: number): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let length = 'Medication?_id='.length;
  for (const id of ids) {
    const add = encodeURIComponent(id).length + 1;
    if (current.length > 0 && length + add > maxLength) {
      out.push(current);
      current = [];
      length = 'Medication?_id='.length;
    }
    current.push(id);
    length += add;
  }
  if (current.length > 0) out.push(current);
  return out;
}
