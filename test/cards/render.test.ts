/* eslint-disable @typescript-eslint/no-explicit-any -- these tests navigate untyped JSON content and FHIR resources */
import { describe, expect, it } from 'vitest';
import { loadCardCatalogue } from '../../src/cards/loader.js';
import { createCardRenderer } from '../../src/cards/render.js';
import { projectPath } from '../../src/paths.js';
import type { Card } from '../../src/protocol/types.js';
import { cdsResponseSchema } from '../../src/protocol/schemas/response.js';
import { CATALOGUE_IDS, type CatalogueId } from '../../src/clinical/findings.js';
import { fhirR4Problems } from './fhir-validator.js';
import { NOW, PATIENT_ID, TODAY, findingFor } from './fixtures.js';

const renderCards = createCardRenderer(loadCardCatalogue(projectPath('cards')));
const context = { patientId: PATIENT_ID, now: NOW, hook: 'patient-view' as const };

function render(id: CatalogueId, variant: 'full' | 'minimal' = 'full'): Card {
  const [card] = renderCards([findingFor(id, variant)], context);
  if (card === undefined) throw new Error('no card');
  return card;
}

/** What a client renders as Markdown (the plain-text summary is checked on its own). */
function markdownText(card: Card): string {
  return [card.detail ?? '', ...(card.suggestions ?? []).map((s) => s.label)].join('\n');
}

function resourcesOf(card: Card): Record<string, unknown>[] {
  return (card.suggestions ?? []).flatMap((s) =>
    (s.actions ?? []).flatMap((a) => (a.resource ? [a.resource] : [])),
  );
}

describe.each(CATALOGUE_IDS.map((id) => [id]))('card %s', (id) => {
  for (const variant of ['full', 'minimal'] as const) {
    describe(`with ${variant} facts`, () => {
      const card = render(id, variant);

      it('passes the strict CDS Hooks 2.0 response schema', () => {
        const result = cdsResponseSchema.safeParse({ cards: [card] });
        expect(result.success ? [] : result.error.issues).toEqual([]);
      });

      it('names its catalogue id in source.topic.code and keeps the finding indicator', () => {
        expect(card.source.topic?.code).toBe(id);
        expect(card.source.topic?.system).toBe('urn:dmab-cds:card-catalogue');
        expect(card.indicator).toBe('warning');
        expect(card.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      });

      it('keeps the summary under 140 characters with one line of plain text', () => {
        expect(Array.from(card.summary).length).toBeLessThan(140);
        expect(card.summary).not.toMatch(/[\n<>]|\{\{|undefined|null|NaN/);
      });

      it('lets no HTML, Markdown link or autolink through from patient data', () => {
        const text = markdownText(card);
        expect(text).not.toMatch(/<\s*(img|script)/i);
        expect(text).not.toMatch(/\]\(javascript:/);
        expect(text).not.toMatch(/(^|[^\\])https?:\/\/evil/);
        expect(text).not.toMatch(/(^|[^\\])www\.evil/);
        expect(text).not.toMatch(/(^|[^\\])\*\*bold/);
        expect(text).not.toMatch(/^# heading/m);
        expect(text).not.toMatch(/\{\{|undefined|NaN/);
      });

      it('cites the rule sources in the detail and links only to https pages', () => {
        expect(card.detail).toContain('**Sources**');
        expect(card.source.url).toMatch(/^https:\/\//);
        for (const link of card.links ?? []) {
          expect(link.type).toBe('absolute');
          expect(link.url).toMatch(/^https:\/\//);
        }
      });

      it('offers override reasons with system, code and display', () => {
        expect(card.overrideReasons?.length).toBeGreaterThan(0);
        for (const reason of card.overrideReasons ?? []) expect(reason.display).toBeTruthy();
      });

      it('suggests only valid FHIR R4 resources (status draft, for this patient, authored today)', () => {
        for (const resource of resourcesOf(card)) {
          expect(fhirR4Problems(resource)).toEqual([]);
          expect(resource.status).toBe('draft');
          expect(resource.intent).toBe('proposal');
          expect(resource.subject).toEqual({ reference: `Patient/${PATIENT_ID}` });
          expect(resource.authoredOn).toBe(TODAY);
        }
      });

      it('marks exactly one suggestion as recommended and sets selectionBehavior', () => {
        if (card.suggestions === undefined) return;
        expect(card.selectionBehavior).toBeDefined();
        expect(card.suggestions.filter((s) => s.isRecommended)).toHaveLength(1);
        for (const suggestion of card.suggestions) expect(suggestion.uuid).toBeTruthy();
      });
    });
  }
});

describe('evidence, notes and text matches in the detail', () => {
  const card = render('DMAB-LAPSE');

  it('lists the evidence with dates, capped, and marks text-matched records', () => {
    expect(card.detail).toContain('- 2024-05-15: Prolia 60 mg SC administered');
    expect(card.detail).toContain('date not recorded');
    expect(card.detail).toContain('(matched by text; verify coding)');
    expect(card.detail).toContain('and 10 more records');
  });

  it('says the record was matched by text and asks to verify the coding', () => {
    expect(card.detail).toMatch(/recognised from its free text only.*verify the record and its coding/);
    expect(render('DMAB-LAPSE', 'minimal').detail).not.toMatch(/free text only/);
  });

  it('includes the rule notes, escaped', () => {
    expect(card.detail).toContain('**Notes**');
    expect(card.detail).toContain('- Note &lt;img');
  });
});

describe('summaries state the fact and the date', () => {
  it('DMAB-LAPSE: months and last dose date (issue example)', () => {
    expect(render('DMAB-LAPSE', 'minimal').summary).toMatch(
      /^Restart antiresorptive now: last denosumab 2024-05-15 \(13 months\), no follow-on/,
    );
  });

  it('picks the conditional variant when its fact is present', () => {
    expect(render('DMAB-LAPSE').summary).toMatch(/after a vertebral fracture/);
    expect(render('RVFX-SUSPECTED').summary).toMatch(/2 vertebral fractures since 2025-04-20/);
    expect(render('RVFX-SUSPECTED', 'minimal').summary).toMatch(
      /vertebral fracture 2025-04-20 after denosumab/,
    );
    expect(render('ORDER-ZOL-RENAL', 'minimal').summary).toMatch(/calcium 7\.8 mg\/dL on 2025-06-01/);
  });

  it('cuts long display strings with an ellipsis instead of overflowing', () => {
    expect(render('VFX-IMMINENT').summary).toContain('…');
  });
});

describe('suggestions', () => {
  it('DMAB-OVERDUE: denosumab 60 mg SC (RxNorm 993452) with route and dose, plus labs', () => {
    const card = render('DMAB-OVERDUE');
    const primary = card.suggestions?.find((s) => s.isRecommended);
    const medication = primary?.actions?.[0]?.resource as Record<string, any>;
    expect(medication.resourceType).toBe('MedicationRequest');
    expect(medication.medicationCodeableConcept.coding[0]).toEqual({
      system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
      code: '993452',
      display: '1 ML denosumab 60 MG/ML Prefilled Syringe',
    });
    expect(medication.dosageInstruction[0].route.coding[0].code).toBe('34206005');
    expect(medication.dosageInstruction[0].doseAndRate[0].doseQuantity).toMatchObject({
      value: 60,
      unit: 'mg',
      code: 'mg',
    });
    const labCodes = (primary?.actions ?? []).slice(1).map((a) => (a.resource as any).code.coding[0].code);
    expect(labCodes).toEqual(['17861-6', '2160-0', '98979-8', '62292-8']);
    expect(card.selectionBehavior).toBe('at-most-one');
  });

  it('DMAB-OVERDUE alternative: zoledronic acid 5 mg IV and CTX at 3 and 6 months', () => {
    const alternative = render('DMAB-OVERDUE').suggestions?.[1];
    const resources = (alternative?.actions ?? []).map((a) => a.resource as Record<string, any>);
    expect(resources[0]?.medicationCodeableConcept.coding[0]).toEqual({
      system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
      code: '705824',
    });
    const ctx = resources.filter((r) => r.code?.coding?.[0]?.code === '41171-0');
    expect(ctx.map((r) => r.occurrenceDateTime)).toEqual(['2025-09-15', '2025-12-15']);
  });

  it('DMAB-TRANSITION-MONITOR: CTX planned on the dates the rule computed', () => {
    const ctx = render('DMAB-TRANSITION-MONITOR').suggestions?.[0]?.actions?.map(
      (a) => a.resource?.occurrenceDateTime,
    );
    expect(ctx).toEqual(['2025-07-20', '2025-10-20']);
    // Repeat zoledronate is offered only when CTX is elevated.
    expect(render('DMAB-TRANSITION-MONITOR').suggestions).toHaveLength(2);
    expect(render('DMAB-TRANSITION-MONITOR', 'minimal').suggestions).toHaveLength(1);
  });

  it('DMAB-TRANSITION-MONITOR: one CTX order for now when both planned dates have passed', () => {
    const finding = findingFor('DMAB-TRANSITION-MONITOR');
    Object.assign(finding.facts, { ctx3moDate: '2025-02-20', ctx6moDate: '2025-05-20' });
    const [card] = renderCards([finding], context);
    const ctx = card?.suggestions?.[0]?.actions ?? [];
    expect(ctx).toHaveLength(1);
    expect(ctx[0]?.resource?.occurrenceDateTime).toBeUndefined();
  });

  it('DMAB-PLANNED-STOP: zoledronic acid scheduled for the follow-on date', () => {
    const zol = render('DMAB-PLANNED-STOP').suggestions?.[0]?.actions?.[0]?.resource as Record<string, any>;
    expect(zol.dosageInstruction[0].timing.event).toEqual(['2025-09-01']);
  });

  it('order cards delete the draft order named by the finding', () => {
    for (const id of ['ORDER-AUGMENT-RVFX', 'ORDER-ROMO-CV', 'ORDER-ZOL-RENAL'] as const) {
      const card = render(id);
      const deletes = (card.suggestions ?? [])
        .flatMap((s) => s.actions ?? [])
        .filter((a) => a.type === 'delete');
      expect(deletes.length).toBeGreaterThan(0);
      for (const action of deletes)
        expect(action.resourceId).toMatch(/^(ServiceRequest|MedicationRequest)\/draft-1$/);
    }
  });

  it('ORDER-AUGMENT-RVFX: the primary suggestion creates an antiresorptive and deletes the augmentation order', () => {
    const primary = render('ORDER-AUGMENT-RVFX').suggestions?.find((s) => s.isRecommended);
    expect(primary?.actions?.map((a) => a.type)).toEqual(['create', 'create', 'delete']);
    expect(primary?.actions?.[2]?.resourceId).toBe('ServiceRequest/draft-1');
  });

  it('without a draft order reference, delete-only suggestions are dropped and another is recommended', () => {
    const finding = findingFor('ORDER-ROMO-CV');
    delete finding.draftOrderRef;
    const [card] = renderCards([finding], context);
    const actions = (card?.suggestions ?? []).flatMap((s) => s.actions ?? []);
    expect(actions.some((a) => a.type === 'delete')).toBe(false);
    expect(card?.suggestions?.filter((s) => s.isRecommended)).toHaveLength(1);
    expect(cdsResponseSchema.safeParse({ cards: [card] }).success).toBe(true);
  });

  it('no hypocalcaemia alternative of denosumab when zoledronate is blocked by low calcium', () => {
    const labels = render('ORDER-ZOL-RENAL', 'minimal').suggestions?.map((s) => s.label) ?? [];
    expect(labels.some((l) => /denosumab/i.test(l))).toBe(false);
  });

  it('uses fresh uuids for cards, suggestions and resources on every response', () => {
    const first = render('DMAB-LAPSE');
    const second = render('DMAB-LAPSE');
    expect(first.uuid).not.toBe(second.uuid);
    expect(first.suggestions?.[0]?.uuid).not.toBe(second.suggestions?.[0]?.uuid);
    const ids = [...resourcesOf(first), ...resourcesOf(second)].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('cards without R16 suggestions carry none', () => {
    for (const id of ['DMAB-DATA', 'ONC-DMAB-STOP'] as const) {
      expect(render(id).suggestions).toBeUndefined();
      expect(render(id).selectionBehavior).toBeUndefined();
    }
    // Only under EU labelling (decision 21) / for abaloparatide (decision 23) do these offer to remove the draft.
    for (const id of ['ORDER-ROMO-CV-OLD', 'ORDER-PTH-24MO'] as const) {
      expect(render(id, 'minimal').suggestions).toBeUndefined();
      expect(render(id, 'minimal').selectionBehavior).toBeUndefined();
    }
  });
});

describe('renderCards', () => {
  it('renders one card per finding, in order', () => {
    const cards = renderCards(
      CATALOGUE_IDS.map((id) => findingFor(id)),
      context,
    );
    expect(cards.map((c) => c.source.topic?.code)).toEqual([...CATALOGUE_IDS]);
    expect(cdsResponseSchema.safeParse({ cards }).success).toBe(true);
  });

  it('keeps the indicator the rule decided (e.g. capped by a text match)', () => {
    const finding = { ...findingFor('RVFX-SUSPECTED'), indicator: 'info' as const };
    expect(renderCards([finding], context)[0]?.indicator).toBe('info');
  });
});
