import { randomUUID } from 'node:crypto';
import type { Action, Suggestion } from '../protocol/types.js';
import { isIsoDate, shiftIsoDate } from './dates.js';
import { asProtocolResource } from './fhir-orders.js';
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
/** Labs that must be current at the infusion: a planned (future) infusion carries them on its own date. */
const PRE_INFUSION_LABS = new Set(['lab-calcium', 'lab-creatinine', 'lab-egfr']);

/**
 * R14 and decision 20 safety net over every card's content (facts set by the engine):
 * - a suggestion that would give denosumab or zoledronic acid against a contraindication on file is withheld, and
 *   the reason is returned for the card's notes; denosumab with eGFR < 30 stays, with the caveat in its label;
 * - zoledronic acid is created only on current labs (decision 20): with creatinine clearance/eGFR or calcium missing
 *   or stale, or a deficient 25-OH vitamin D, the suggestion becomes "labs first": the infusion, the CTX checks
 *   dated from it and the stop of an oral bisphosphonate are replaced by the missing labs, and its label says that
 *   zoledronic acid follows the results.
 * Content may add its own suggestion for the withheld case (e.g. "if": "safetyCalciumLow").
 */
export interface SuggestionResult {
  suggestions: Suggestion[];
  withheld: string[];
}

const textFact = (facts: Facts, name: string) =>
  typeof facts[name] === 'string' && facts[name] !== '' ? (facts[name] as string) : undefined;

interface Verdict {
  withhold?: string;
  caveat?: string;
  /** Decision 20: the zoledronic acid infusion waits for these labs (what is missing, in words). */
  labsFirst?: { missing: string; orders: string[]; note: string };
}

function safetyVerdict(definition: CompiledCard['suggestions'][number], facts: Facts): Verdict {
  const creates = new Set(
    definition.actions.flatMap((a) => (a.kind === 'create' && a.order ? [a.order.key] : [])),
  );
  const denosumab = [...creates].some((k) => DENOSUMAB_ORDERS.has(k));
  const zoledronate = [...creates].some((k) => ZOLEDRONATE_ORDERS.has(k));
  const calcium = textFact(facts, 'safetyCalciumLow');
  const renal = textFact(facts, 'safetyZoledronateRenal');
  const ckd = textFact(facts, 'safetyDenosumabCkd');
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
  if (zoledronate) {
    const stale = textFact(facts, 'zoledronateLabsFirst');
    const vitaminD = textFact(facts, 'zoledronateVitaminDLow');
    if (stale || vitaminD) {
      const orders = (textFact(facts, 'zoledronateLabOrders') ?? '').split(',').filter((k) => k !== '');
      if (vitaminD && !orders.includes('lab-vitamin-d')) orders.push('lab-vitamin-d');
      const missing = [stale, vitaminD ? `${vitaminD}: replete, then recheck` : undefined]
        .filter((m): m is string => m !== undefined)
        .join('; ');
      return {
        labsFirst: {
          missing,
          orders,
          note: `Zoledronic acid is offered only on current labs: ${missing}.`,
        },
      };
    }
  }
  if (denosumab && ckd) return { caveat: `${ckd}: evaluate for CKD-MBD before denosumab` };
  return {};
}

/** Decision 20 "labs first": the infusion and what depends on it are replaced by the missing labs. */
function labsFirstActions(
  actions: readonly CompiledAction[],
  orderKeys: readonly string[],
  orders: ReadonlyMap<string, NonNullable<CompiledAction['order']>>,
): CompiledAction[] {
  // The labs are needed now, so a lab the content planned for the infusion date is ordered now instead.
  const kept = actions.filter(
    (a) =>
      a.kind === 'deleteDraftOrder' ||
      (a.kind === 'create' &&
        !ZOLEDRONATE_ORDERS.has(a.order?.key ?? '') &&
        a.occurrence?.from !== 'infusion' &&
        !orderKeys.includes(a.order?.key ?? '')),
  );
  const have = new Set(kept.flatMap((a) => (a.kind === 'create' && a.order ? [a.order.key] : [])));
  const added: CompiledAction[] = [];
  for (const key of orderKeys) {
    const order = orders.get(key);
    if (order === undefined || have.has(key)) continue;
    have.add(key);
    added.push({ kind: 'create', description: order.description, order });
  }
  // Labs first, then the rest (a removal of the draft order stays: the draft is not what the card recommends).
  return [...added, ...kept];
}

export function buildSuggestionsWithSafety(
  card: CompiledCard,
  context: SuggestionContext,
  orders: ReadonlyMap<string, NonNullable<CompiledAction['order']>> = new Map(),
): SuggestionResult {
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
    let definitionActions: readonly CompiledAction[] = definition.actions;
    let label = definition.label;
    if (verdict.labsFirst !== undefined) {
      definitionActions = labsFirstActions(definition.actions, verdict.labsFirst.orders, orders);
      label = `Labs before zoledronic acid (${verdict.labsFirst.missing}); zoledronic acid follows the results`;
      if (!withheld.includes(verdict.labsFirst.note)) withheld.push(verdict.labsFirst.note);
      // The same "labs first" suggestion can come from two zoledronic acid suggestions: offer it once.
      if (suggestions.some((s) => s.label === label)) continue;
    }
    const infusion = verdict.labsFirst ? context.today : infusionDate(definitionActions, context);
    if (infusion > context.today) definitionActions = withPreInfusionLabs(definitionActions, orders);
    // Two planned orders can collapse into one when both dates have passed (CTX at 3 and 6 months, both due):
    // order the test once, now.
    const planned = new Set<string>();
    const actions = definitionActions.flatMap((action) => {
      const key = `${action.kind}:${action.order?.key ?? action.recordFact ?? ''}:${occurrenceDate(action, context, infusion) ?? 'now'}`;
      if (planned.has(key)) return [];
      planned.add(key);
      return buildAction(action, context, infusion);
    });
    if (actions.length === 0) continue;
    if (verdict.caveat !== undefined) label = `${label} — caution: ${verdict.caveat}`;
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

function buildAction(action: CompiledAction, context: SuggestionContext, infusion: string): Action[] {
  if (action.kind === 'deleteDraftOrder') {
    return context.draftOrderRef === undefined
      ? []
      : [{ type: 'delete', description: action.description, resourceId: context.draftOrderRef }];
  }
  if (action.kind === 'stopRecord') {
    // A planned infusion: stopping the current therapy today would leave a gap until then, so it is stopped at the
    // infusion (the label says so) rather than by this click.
    if (infusion > context.today) return [];
    const ref = action.recordFact === undefined ? undefined : textFact(context.facts, action.recordFact);
    return ref === undefined ? [] : [{ type: 'delete', description: action.description, resourceId: ref }];
  }
  if (action.order === undefined) return [];
  const request: Parameters<typeof action.order.build>[0] = {
    patientId: context.patientId,
    authoredOn: context.today,
    reason: context.reason,
  };
  let occurrence = occurrenceDate(action, context, infusion);
  let description = action.description;
  if (occurrence === undefined && infusion > context.today && PRE_INFUSION_LABS.has(action.order.key)) {
    occurrence = infusion;
    description = `${description}, before the planned infusion`;
  }
  if (occurrence !== undefined) request.occurrenceDate = occurrence;
  return [{ type: 'create', description, resource: asProtocolResource(action.order.build(request)) }];
}

/** A planned (future) infusion always carries its own calcium and creatinine checks, dated on the infusion day. */
function withPreInfusionLabs(
  actions: readonly CompiledAction[],
  orders: ReadonlyMap<string, NonNullable<CompiledAction['order']>>,
): readonly CompiledAction[] {
  const have = new Set(actions.flatMap((a) => (a.kind === 'create' && a.order ? [a.order.key] : [])));
  const added = ['lab-calcium', 'lab-creatinine'].flatMap((key): CompiledAction[] => {
    const order = orders.get(key);
    return order === undefined || have.has(key)
      ? []
      : [{ kind: 'create', description: order.description, order }];
  });
  return added.length === 0 ? actions : [...actions, ...added];
}

/** The day of the zoledronic acid infusion of this suggestion (its planned date, else today). */
function infusionDate(actions: readonly CompiledAction[], context: SuggestionContext): string {
  const infusion = actions.find((a) => a.kind === 'create' && ZOLEDRONATE_ORDERS.has(a.order?.key ?? ''));
  return (infusion && occurrenceDate(infusion, context, context.today)) ?? context.today;
}

/** The planned date, or none when it would lie in the past (then the order is for now). */
function occurrenceDate(
  action: CompiledAction,
  context: SuggestionContext,
  infusion: string,
): string | undefined {
  if (action.occurrence === undefined) return undefined;
  const from = action.occurrence.from;
  const base = from === 'today' ? context.today : from === 'infusion' ? infusion : context.facts[from];
  if (!isIsoDate(base)) return undefined;
  const date = shiftIsoDate(base, action.occurrence.addMonths ?? 0, action.occurrence.addDays ?? 0);
  return date > context.today ? date : undefined;
}
