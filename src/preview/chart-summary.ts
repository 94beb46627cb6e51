import type { FhirResource } from '../protocol/types.js';

/**
 * One line per chart record for the preview page ("2024-11-15 · MedicationAdministration · Prolia 60 mg …"), so a
 * developer sees why a card fired. Plain strings only: the page puts them in the DOM as text.
 */
export interface ChartLine {
  reference: string;
  resourceType: string;
  date?: string;
  status?: string;
  text: string;
}

type Concept = { text?: string; coding?: { code?: string; display?: string }[] } | undefined;

const conceptText = (c: Concept): string =>
  c?.text ?? c?.coding?.map((x) => x.display ?? x.code).find((s) => s !== undefined) ?? '(no text)';

const codeOf = (c: Concept): string | undefined => c?.coding?.find((x) => x.code)?.code;

function statusOf(r: FhirResource): string | undefined {
  if (typeof r.status === 'string') return r.status;
  const verification = (r.verificationStatus as Concept)?.coding?.[0]?.code;
  return verification;
}

function dateOf(r: FhirResource): string | undefined {
  const period = (r.effectivePeriod ?? undefined) as { start?: string; end?: string } | undefined;
  const candidates = [
    r.effectiveDateTime,
    period ? [period.start, period.end].filter(Boolean).join(' → ') : undefined,
    r.onsetDateTime,
    r.recordedDate,
    r.authoredOn,
    r.dateAsserted,
    r.birthDate,
  ];
  const found = candidates.find((d) => typeof d === 'string' && d.length > 0);
  return typeof found === 'string' ? found.slice(0, 25) : undefined;
}

function textOf(r: FhirResource): string {
  switch (r.resourceType) {
    case 'Patient': {
      const name = (r.name as { text?: string }[] | undefined)?.[0]?.text ?? r.id ?? '';
      return `${name} (${String(r.gender ?? 'unknown')}, born ${String(r.birthDate ?? '?')})`;
    }
    case 'Observation': {
      const q = r.valueQuantity as { value?: number; unit?: string } | undefined;
      return `${conceptText(r.code as Concept)}: ${q?.value ?? '?'} ${q?.unit ?? ''}`.trim();
    }
    case 'Condition':
    case 'Procedure':
    case 'ServiceRequest': {
      const code = codeOf(r.code as Concept);
      return code ? `${conceptText(r.code as Concept)} [${code}]` : conceptText(r.code as Concept);
    }
    default:
      return conceptText(r.medicationCodeableConcept as Concept);
  }
}

export function chartLine(r: FhirResource): ChartLine {
  const date = dateOf(r);
  const status = statusOf(r);
  return {
    reference: `${r.resourceType}/${r.id ?? ''}`,
    resourceType: r.resourceType,
    ...(date ? { date } : {}),
    ...(status ? { status } : {}),
    text: textOf(r),
  };
}
