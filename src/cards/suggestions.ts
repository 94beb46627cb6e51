import { randomUUID } from 'node:crypto';
import type { Action, Suggestion } from '../protocol/types.js';
import { addMonths, isIsoDate } from './dates.js';
import type { CompiledAction, CompiledCard } from './loader.js';
import { conditionHolds, type Facts } from './template.js';

/**
 * Suggestions of one card: the content's suggestion list, filtered by its conditions, with FHIR resources built
 * for this patient and a `delete` of the draft order the card is about. A suggestion left with no action (a delete
 * when the finding names no draft order) is dropped; if the recommended one is dropped the first remaining one is
 * recommended instead, so a card with suggestions always has a primary one.
 */

export interface SuggestionContext {
  patientId: string;
  today: string;
  facts: Facts;
  draftOrderRef?: string | undefined;
  reason: string;
}

/** Orders (keys in cards/_orders.json) that give a drug R14 checks before dosing. */
const DENOSUMAB_ORDERS = new Set(['denosumab-60mg-sc']);
const ZOLEDRONATE_ORDERS = new Set(['zoledronic-acid-5mg-iv']);

/**
 * R14 safety net over every card's content: a suggestion that would give denosumab or zoledronic acid against a
 * contraindication on file (facts set by the engine) is withheld, and the reason is returned for the card's notes;
 * denosumab with eGFR < 30 stays, with the caveat in its label. Content may add its own suggestion for the
 * withheld case (e.g. "if": "safetyCalciumLow").
 */
export interface SuggestionResult {
  suggestions: Suggestion[];
  withheld: string[];
}

function safetyVerdict(
  definition: CompiledCard['suggestions'][number],
  facts: Facts,
): { withhold?: string; caveat?: string } {
  const creates = new Set(
    definition.actions.flatMap((a) => (a.kind === 'create' && a.order ? [a.order.key] : [])),
  );
  const denosumab = [...creates].some((k) => DENOSUMAB_ORDERS.has(k));
  const zoledronate = [...creates].some((k) => ZOLEDRONATE_ORDERS.has(k));
  const text = (name: string) =>
    typeof facts[name] === 'string' && facts[name] !== '' ? (facts[name] as string) : undefined;
  const calcium = text('safetyCalciumLow');
  const renal = text('safetyZoledronateRenal');
  const ckd = text('safetyDenosumabCkd');
  if ((denosumab || zoledronate) && calcium) {
    return {
      withhold: `Denosumab and zoledronic acid are not suggested until hypocalcaemia is corrected: ${calcium}.`,
    };
  }
  if (zoledronate && renal) {
    return {
      withhold: `Zoledronic acid is not suggested (contraindicated with creatinine clearance < 35 mL/min): ${renal}.`,
    };
  }
  if (denosumab && ckd) return { caveat: `${ckd}: evaluate for CKD-MBD before denosumab` };
  return {};
}

export function buildSuggestions(card: CompiledCard, context: SuggestionContext): Suggestion[] {
  return buildSuggestionsWithSafety(card, context).suggestions;
}

export function buildSuggestionsWithSafety(card: CompiledCard, context: SuggestionContext): SuggestionResult {
  const suggestions: Suggestion[] = [];
  const withheld: string[] = [];
  let recommended = false;
  for (const definition of card.suggestions) {
    if (!conditionHolds(definition, context.facts)) continue;
    const verdict = safetyVerdict(definition, context.facts);
    if (verdict.withhold !== undefined) {
      if (!withheld.includes(verdict.withhold)) withheld.push(verdict.withhold);
      continue;
    }
    // Two planned orders can collapse into one when both dates have passed (CTX at 3 and 6 months, both due):
    // order the test once, now.
    const planned = new Set<string>();
    const actions = definition.actions.flatMap((action) => {
      const key = `${action.kind}:${action.order?.key ?? ''}:${occurrenceDate(action, context) ?? 'now'}`;
      if (planned.has(key)) return [];
      planned.add(key);
      return buildAction(action, context);
    });
    if (actions.length === 0) continue;
    const label =
      verdict.caveat === undefined ? definition.label : `${definition.label} — caution: ${verdict.caveat}`;
    const suggestion: Suggestion = { label, uuid: randomUUID(), actions };
    if (definition.isRecommended && !recommended) {
      suggestion.isRecommended = true;
      recommended = true;
    }
    suggestions.push(suggestion);
  }
  const first = suggestions[0];
  if (!recommended && first !== undefined) first.isRecommended = true;
  return { suggestions, withheld };
}

function buildAction(action: CompiledAction, context: SuggestionContext): Action[] {
  if (action.kind === 'deleteDraftOrder') {
    return context.draftOrderRef === undefined
      ? []
      : [{ type: 'delete', description: action.description, resourceId: context.draftOrderRef }];
  }
  if (action.order === undefined) return [];
  const request: Parameters<typeof action.order.build>[0] = {
    patientId: context.patientId,
    authoredOn: context.today,
    reason: context.reason,
  };
  const occurrence = occurrenceDate(action, context);
  if (occurrence !== undefined) request.occurrenceDate = occurrence;
  return [{ type: 'create', description: action.description, resource: action.order.build(request) }];
}

/** The planned date, or none when it would lie in the past (then the order is for now). */
function occurrenceDate(action: CompiledAction, context: SuggestionContext): string | undefined {
  if (action.occurrence === undefined) return undefined;
  const base = action.occurrence.from === 'today' ? context.today : context.facts[action.occurrence.from];
  if (!isIsoDate(base)) return undefined;
  const date = addMonths(base, action.occurrence.addMonths ?? 0);
  return date > context.today ? date : undefined;
}
