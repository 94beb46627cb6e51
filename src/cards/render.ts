import { randomUUID } from 'node:crypto';
import type { Card, HookName } from '../protocol/types.js';
import type { Finding } from '../clinical/findings.js';
import { isoDateOf } from './dates.js';
import { renderDetail } from './detail.js';
import { truncate } from './escape.js';
import type { CardCatalogue, CompiledCard } from './loader.js';
import { buildSuggestionsWithSafety } from './suggestions.js';
import { conditionHolds, type Facts } from './template.js';

export interface RenderContext {
  patientId: string;
  now: Date;
  hook: HookName;
  /** Resource types the EHR's FHIR server does not provide: the affected cards say so (data-availability.ts). */
  unavailableData?: readonly string[];
}

export type CardRenderer = (findings: Finding[], context: RenderContext) => Card[];

const SUMMARY_LIMIT = 139;

/** A renderer over one loaded catalogue (the service layer loads cards/ once and passes it here). */
export function createCardRenderer(catalogue: CardCatalogue): CardRenderer {
  return (findings, context) => findings.map((finding) => renderCard(catalogue, finding, context));
}

function renderCard(catalogue: CardCatalogue, finding: Finding, context: RenderContext): Card {
  const content = catalogue.cards.get(finding.id) as CompiledCard;
  const today = isoDateOf(context.now);
  // Facts are looked up by the names the compiled templates were checked against (fact-specs.ts).
  const facts = finding.facts as unknown as Facts;

  const { suggestions, withheld } = buildSuggestionsWithSafety(
    content,
    {
      patientId: context.patientId,
      today,
      facts,
      draftOrderRef: finding.draftOrderRef,
      reason: `${content.title} (${content.id})`,
    },
    catalogue.orders,
  );
  const card: Card = {
    uuid: randomUUID(),
    summary: renderSummary(content, facts),
    detail: renderDetail(content, catalogue.meta, catalogue.version, {
      facts,
      evidence: finding.evidence,
      matchedByTextOnly: finding.matchedByTextOnly === true,
      // Suggestions withheld for an R14 contraindication on file are named, so the card's text and its
      // suggestions never disagree silently.
      notes: [
        ...(finding.notes ?? []),
        ...withheld,
        ...(context.unavailableData?.length
          ? catalogue.unavailableDataNotes(finding.id, context.unavailableData)
          : []),
      ],
    }),
    // The rule has already decided the indicator (escalation, text-match cap); the content's one is the default.
    indicator: finding.indicator ?? content.indicator,
    source: content.source,
    overrideReasons: content.overrideReasons,
  };
  if (suggestions.length > 0 && content.selectionBehavior !== undefined) {
    card.suggestions = suggestions;
    card.selectionBehavior = content.selectionBehavior;
  }
  if (content.links.length > 0) card.links = content.links;
  return card;
}

function renderSummary(content: CompiledCard, facts: Facts): string {
  const variant =
    content.summary.find((line) => conditionHolds(line, facts)) ??
    content.summary[content.summary.length - 1];
  const text = variant === undefined ? content.title : variant.template.render(facts, 'summary');
  // The loader proves the limit for every template; this guard only protects against a future change in that proof.
  return truncate(text, SUMMARY_LIMIT);
}
