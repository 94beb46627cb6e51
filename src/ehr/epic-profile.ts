import { randomUUID } from 'node:crypto';
import type { Action, Card, FhirResource, Suggestion } from '../protocol/types.js';
import { SYSTEMS } from '../clinical/terminology/systems.js';
import { alphanumericTopicCode } from './topic-codes.js';

/**
 * The `epic` response profile, from Epic's CDS Hooks documentation (fhir.epic.com, "CDS Hooks" tutorial; summary in
 * docs/ehr-integration.md): Epic supports only `selectionBehavior: "any"`, shows one action per suggestion (the
 * action's description, not the suggestion label), remembers acknowledgements by an alphanumeric
 * `source.topic.code`, and creates medication orders from RxNorm or NDC codes with OID systems.
 *
 * The catalogue's alternatives ("resume denosumab" OR "zoledronic acid", `at-most-one`) cannot be expressed with
 * "any", so each action that belongs to one alternative only says so in its description ("Choose one — option 1
 * of 2: …") and the detail says that the options are alternatives — for the actions that make them exclusive (a
 * medication order or a deletion found in one alternative only). Actions shared by the alternatives (the labs) are
 * offered once.
 */

/** HL7 OIDs of RxNorm and NDC (HL7 OID registry), as Epic reads them. */
export const RXNORM_OID = 'urn:oid:2.16.840.1.113883.6.88';
export const NDC_OID = 'urn:oid:2.16.840.1.113883.6.69';
const OID_OF: Record<string, string> = { [SYSTEMS.rxnorm]: RXNORM_OID, [SYSTEMS.ndc]: NDC_OID };

const EPIC_ALTERNATIVES_NOTE =
  '**Options marked "choose one" are alternatives: accept the orders of one option only.**';

export function epicCard(card: Card): Card {
  const out: Card = { ...card };
  if (card.source.topic) {
    out.source = {
      ...card.source,
      topic: { ...card.source.topic, code: alphanumericTopicCode(card.source.topic.code) },
    };
  }
  const suggestions = card.suggestions ?? [];
  if (suggestions.length === 0) return out;

  const alternatives = card.selectionBehavior !== 'any' && suggestions.length > 1;
  const signatures = suggestions.map((s) => (s.actions ?? []).map(actionSignature));
  const inHowMany = new Map<string, number>();
  for (const sigs of signatures)
    for (const sig of new Set(sigs)) inHowMany.set(sig, (inHowMany.get(sig) ?? 0) + 1);
  const recommended = new Set(suggestions.flatMap((s, i) => (s.isRecommended ? signatures[i]! : [])));
  // What makes alternatives exclusive is the treatment: a medication order or the deletion of a draft found in one
  // alternative only. A lab ordered twice is harmless; two antiresorptives, or deleting and keeping a draft, are not.
  const exclusive = (action: Action, sig: string) =>
    inHowMany.get(sig) === 1 &&
    (action.type === 'delete' || action.resource?.resourceType === 'MedicationRequest');
  const exclusiveOptions = alternatives
    ? suggestions.flatMap((s, i) =>
        (s.actions ?? []).some((a, j) => exclusive(a, signatures[i]![j]!)) ? [i] : [],
      )
    : [];
  const labelled = exclusiveOptions.length > 1;

  const split: Suggestion[] = [];
  const offered = new Set<string>();
  suggestions.forEach((suggestion, i) => {
    (suggestion.actions ?? []).forEach((action, j) => {
      const sig = signatures[i]![j]!;
      if (offered.has(sig)) return;
      offered.add(sig);
      const option = exclusiveOptions.indexOf(i) + 1;
      const description =
        labelled && option > 0 && exclusive(action, sig)
          ? `Choose one — option ${option} of ${exclusiveOptions.length}: ${action.description}`
          : action.description;
      const one: Suggestion = {
        label: description,
        uuid: randomUUID(),
        actions: [withOidCodings({ ...action, description })],
      };
      if (recommended.has(sig)) one.isRecommended = true;
      split.push(one);
    });
  });
  out.suggestions = split;
  out.selectionBehavior = 'any';
  if (labelled)
    out.detail = out.detail ? `${EPIC_ALTERNATIVES_NOTE}\n\n${out.detail}` : EPIC_ALTERNATIVES_NOTE;
  return out;
}

/** What an action does, without its random ids: two alternatives that both order serum calcium order one. */
function actionSignature(action: Action): string {
  if (action.resource === undefined) return `${action.type}|${action.resourceId ?? ''}`;
  const { id: _id, ...rest } = action.resource;
  return `${action.type}|${JSON.stringify(rest)}`;
}

/** RxNorm / NDC codings of a medication order repeated with their OID systems (the URL codings are kept). */
function withOidCodings(action: Action): Action {
  const resource = action.resource;
  if (resource?.resourceType !== 'MedicationRequest') return action;
  const concept = resource.medicationCodeableConcept as {
    coding?: { system: string; code: string; display?: string }[];
  };
  const codings = concept?.coding ?? [];
  const extra = codings.flatMap((c) => {
    const oid = OID_OF[c.system];
    if (oid === undefined || codings.some((o) => o.system === oid && o.code === c.code)) return [];
    return [
      c.display === undefined
        ? { system: oid, code: c.code }
        : { system: oid, code: c.code, display: c.display },
    ];
  });
  if (extra.length === 0) return action;
  const medicationCodeableConcept = { ...concept, coding: [...codings, ...extra] };
  return { ...action, resource: { ...resource, medicationCodeableConcept } as FhirResource };
}
