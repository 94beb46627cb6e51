import { createCardRenderer } from '../cards/render.js';
import { createClinicalEvaluator, type EngineInput } from '../clinical/evaluator.js';
import type { ClinicalConfig } from '../config/clinical.js';
import type { Card } from '../protocol/types.js';
import type { Knowledge } from './knowledge.js';

/** Rules and rendering over one loaded knowledge: plain FHIR resources in, CDS cards out. */
export interface CdsEngine {
  /** Version of the rules, value sets and card content, recorded with every card. */
  readonly contentVersion: string;
  evaluate(input: EngineInput): Card[];
}

/** Built once at start-up: record → rules → findings (src/clinical/) → cards (src/cards/). */
export function createEngine(
  knowledge: Pick<Knowledge, 'terminology' | 'cards'>,
  clinical: Partial<ClinicalConfig> = {},
): CdsEngine {
  const evaluator = createClinicalEvaluator({ ...clinical, terminology: knowledge.terminology });
  const render = createCardRenderer(knowledge.cards);
  return {
    // Rules + value sets + card content: a card is reproducible only when all three are known.
    contentVersion: `${evaluator.contentVersion}+cards-${knowledge.cards.version}`,
    evaluate(input: EngineInput): Card[] {
      const findings = evaluator.findings(input);
      return render(findings, {
        patientId: input.patientId,
        now: input.now,
        hook: input.hook,
        ...(input.unavailableData?.length ? { unavailableData: input.unavailableData } : {}),
      });
    },
  };
}
