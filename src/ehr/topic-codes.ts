import { CATALOGUE_IDS } from '../clinical/findings.js';

/**
 * Epic keeps a clinician's acknowledgement of a card by its `source.topic.code` and accepts only alphanumeric codes
 * (fhir.epic.com CDS Hooks tutorial). The catalogue ids have hyphens (`DMAB-LAPSE`), so the `epic` profile sends
 * them without (`DMABLAPSE`); the card log, feedback and analytics map them back to the catalogue id.
 */
export const alphanumericTopicCode = (catalogueId: string): string =>
  catalogueId.replace(/[^A-Za-z0-9]/g, '');

const byAlphanumeric = new Map<string, string>();
for (const id of CATALOGUE_IDS) {
  const code = alphanumericTopicCode(id);
  const clash = byAlphanumeric.get(code);
  // Checked when the module loads: two ids that differ only in punctuation would be told apart by nobody.
  if (clash !== undefined) throw new Error(`catalogue ids ${clash} and ${id} share the topic code ${code}`);
  byAlphanumeric.set(code, id);
}
const catalogueIds = new Set<string>(CATALOGUE_IDS);

/** The catalogue id a card's `source.topic.code` stands for, in any profile; undefined when it is none of ours. */
export function catalogueIdOfTopicCode(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  if (catalogueIds.has(code)) return code;
  return byAlphanumeric.get(code);
}
