import type { CdsEngine, EngineInput } from '../../../src/clinical/engine.js';
import type { Evidence, Finding } from '../../../src/clinical/findings.js';
import type { FhirResource } from '../../../src/cds-hooks/types.js';
import { renderCards } from '../../../src/cards/render.js';

/**
 * A stand-in for the clinical rules, for the preview page's browser test while the real engine is not there: it
 * recognises three demo patients by id and hands the REAL card renderer (content in cards/) findings built from
 * their charts, so the page renders real card content, including patient free text (the hostile display string).
 * It is not a rule engine and must not be used for anything else.
 */

const text = (r: FhirResource) => (r.code as { text?: string } | undefined)?.text ?? '(no text)';
const monthsBetween = (from: string, to: Date) =>
  Math.floor((to.getTime() - new Date(from).getTime()) / (30.44 * 86_400_000));

function chart(input: EngineInput) {
  const doses = input.resources
    .filter((r) => r.resourceType === 'MedicationAdministration')
    .map((r) => r.effectiveDateTime as string)
    .sort();
  const fractures = input.resources
    .filter((r) => r.resourceType === 'Condition' && typeof r.onsetDateTime === 'string')
    .filter((r) => !/osteoporosis without/i.test(text(r)))
    .sort((a, b) => String(a.onsetDateTime).localeCompare(String(b.onsetDateTime)));
  const evidence: Evidence[] = fractures.map((r) => ({
    reference: `Condition/${r.id}`,
    resourceType: 'Condition',
    date: r.onsetDateTime as string,
    description: text(r),
  }));
  return { lastDose: doses.at(-1), fractures, evidence };
}

function findings(input: EngineInput): Finding[] {
  const today = input.now.toISOString().slice(0, 10);
  const { lastDose, fractures, evidence } = chart(input);
  const summary = fractures.map((f) => `${text(f)} (${String(f.onsetDateTime)})`).join('; ');
  if (input.patientId === 'demo-markup-text' && fractures[0]) {
    const date = fractures[0].onsetDateTime as string;
    return [
      {
        id: 'VFX-RECENT',
        indicator: 'warning',
        facts: {
          today,
          fractureDate: date,
          monthsSinceFracture: monthsBetween(date, input.now),
          fractureDescription: text(fractures[0]),
          dateSource: 'onset',
        },
        evidence,
      },
    ];
  }
  if (!input.patientId.match(/^demo-(rvfx|order-vertebroplasty)$/) || !lastDose || !fractures[0]) return [];
  if (input.hook === 'patient-view') {
    return [
      {
        id: 'RVFX-SUSPECTED',
        indicator: 'critical',
        facts: {
          today,
          lastDoseDate: lastDose,
          monthsSinceLastDose: monthsBetween(lastDose, input.now),
          fractureCount: fractures.length,
          firstFractureDate: fractures[0].onsetDateTime as string,
          fractureSummary: summary,
          multiple: fractures.length > 1,
        },
        evidence,
      },
    ];
  }
  const draft = input.draftOrders[0];
  if (!draft) return [];
  return [
    {
      id: 'ORDER-AUGMENT-RVFX',
      indicator: 'critical',
      facts: {
        today,
        orderName: text(draft),
        lastDoseDate: lastDose,
        fractureCount: fractures.length,
        fractureSummary: summary,
      },
      evidence,
      draftOrderRef: `${draft.resourceType}/${draft.id}`,
    },
  ];
}

export const standInEngine: CdsEngine = {
  contentVersion: 'stand-in-for-browser-test',
  evaluate: (input) =>
    renderCards(findings(input), { patientId: input.patientId, now: input.now, hook: input.hook }),
};
