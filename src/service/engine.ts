import { createCardRenderer } from '../cards/render.js';
import { createClinicalEvaluator, type EngineInput } from '../clinical/evaluator.js';
import type { Finding } from '../clinical/findings.js';
import type { ClinicalConfig } from '../config/clinical.js';
import type { Card } from '../protocol/types.js';
import type { Knowledge } from './knowledge.js';
import {
  DEFAULT_RESPONSE_BOUNDS,
  mostSevereFindings,
  selectDraftOrders,
  type ResponseBounded,
  type ResponseBounds,
} from './response-bounds.js';

/** Rules and rendering over one loaded knowledge: plain FHIR resources in, CDS cards out. */
export interface CdsEngine {
  /** Version of the rules, value sets and card content, recorded with every card. */
  readonly contentVersion: string;
  /** MAX_DRAFT_ORDERS and MAX_CARDS; absent = unbounded (stand-in engines of tests). */
  readonly bounds?: ResponseBounds;
  evaluate(input: EngineInput, options?: EvaluateOptions): Card[];
}

export interface EvaluateOptions {
  /** Draft orders of the request when the caller has already applied selectDraftOrders to `input.draftOrders`. */
  draftOrdersReceived?: number;
  /** Called when the bounds left something out (the caller's log line). */
  onBounded?(bounded: ResponseBounded): void;
}

/** Built once at start-up: record → rules → findings (src/clinical/) → cards (src/cards/). */
export function createEngine(
  knowledge: Pick<Knowledge, 'terminology' | 'cards'>,
  clinical: Partial<ClinicalConfig> = {},
  bounds: ResponseBounds = DEFAULT_RESPONSE_BOUNDS,
): CdsEngine {
  const evaluator = createClinicalEvaluator({ ...clinical, terminology: knowledge.terminology });
  const render = createCardRenderer(knowledge.cards);
  return {
    // Rules + value sets + card content: a card is reproducible only when all three are known.
    contentVersion: `${evaluator.contentVersion}+cards-${knowledge.cards.version}`,
    bounds,
    evaluate(input: EngineInput, options: EvaluateOptions = {}): Card[] {
      const orderHook = input.hook !== 'patient-view';
      const selection = orderHook
        ? selectDraftOrders(input.draftOrders, input.selections, bounds.maxDraftOrders)
        : { drafts: input.draftOrders, received: 0, checked: 0 };
      const received = Math.max(options.draftOrdersReceived ?? 0, selection.received);
      const findings = evaluator.findings({ ...input, draftOrders: selection.drafts });
      const incomplete = received > selection.checked || findings.length > bounds.maxCards;
      let shown = findings;
      if (incomplete) {
        // One place is kept for the notice, which says what was left out.
        const kept = mostSevereFindings(findings, bounds.maxCards - 1);
        const notice = incompleteCheckNotice(
          input,
          received,
          selection.checked,
          findings.length - kept.length,
        );
        shown = withNotice(kept, notice);
        options.onBounded?.({
          draftOrdersReceived: received,
          draftOrdersChecked: selection.checked,
          cardsFound: findings.length,
          cardsReturned: shown.length,
        });
      }
      return render(shown, {
        patientId: input.patientId,
        now: input.now,
        hook: input.hook,
        ...(input.unavailableData?.length ? { unavailableData: input.unavailableData } : {}),
      });
    },
  };
}

/** ORDER-CHECK-INCOMPLETE: how many draft orders were checked and how many cards were left out (cards/). */
function incompleteCheckNotice(
  input: EngineInput,
  received: number,
  checked: number,
  cardsNotShown: number,
): Finding {
  return {
    id: 'ORDER-CHECK-INCOMPLETE',
    // Warning: an order left unchecked may be one that deserved a critical card.
    indicator: 'warning',
    facts: {
      today: input.now.toISOString().slice(0, 10),
      ordersReceived: received,
      ordersChecked: checked,
      ...(received > checked ? { ordersNotChecked: received - checked } : {}),
      ...(cardsNotShown > 0 ? { cardsNotShown } : {}),
    },
    evidence: [],
  };
}

/** The notice goes right after the last critical card: after what must be acted on, before everything else. */
function withNotice(findings: Finding[], notice: Finding): Finding[] {
  let at = 0;
  findings.forEach((f, index) => {
    if (f.indicator === 'critical') at = index + 1;
  });
  return [...findings.slice(0, at), notice, ...findings.slice(at)];
}
