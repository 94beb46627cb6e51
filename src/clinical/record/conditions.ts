import { addMonths, parseDay, type Day } from '../dates.js';
import { ICD10CM_SHAPE, SYSTEMS, canonicalSystem, normaliseIcd } from '../terminology/systems.js';
import * as T from '../terminology/text-patterns.js';
import type * as R2 from 'fhir/r2.js';
import type * as R3 from 'fhir/r3.js';
import type * as R4 from 'fhir/r4.js';
import type { Terminology } from '../terminology/valuesets.js';
import {
  asArray,
  asNumber,
  asObject,
  asString,
  readConcept,
  readStatus,
  referenceOf,
  type Received,
} from './fhir-read.js';
import type { DateWindow } from './medications.js';
import type {
  CardiovascularEvent,
  ConditionRecord,
  EncounterType,
  FractureKind,
  VertebralFracture,
} from './types.js';

const UNCONFIRMED = new Set(['unconfirmed', 'provisional', 'differential']);
const NEOPLASTIC_TEXT = /neoplas|metasta|malignan/i;
const TIA_TEXT = /transient ischa?emic|\btia\b/i;
/** R9/§2.6: history-type wording (I25.2 old MI, I69.x sequelae of stroke): dated by onset only, never by recordedDate. */
const CV_HISTORY_TEXT = /\bold\b|\bpast\b|healed|sequela|late effect/i;

/** R7: ICD-10-CM 7th character A/B initial, D/G/K/P subsequent (same fracture), S sequela. */
function encounterOf(code: string | undefined, text: string): EncounterType {
  if (code && code.length === 7) {
    const seventh = code[6]!;
    if (seventh === 'A' || seventh === 'B') return 'initial';
    if ('DGKP'.includes(seventh)) return 'subsequent';
    if (seventh === 'S') return 'sequela';
  }
  if (/sequela/i.test(text)) return 'sequela';
  if (/subsequent encounter/i.test(text)) return 'subsequent';
  if (/initial encounter/i.test(text)) return 'initial';
  return 'unspecified';
}

function levelFromText(text: string): string | undefined {
  const levels = new Set<string>();
  for (const m of text.matchAll(T.VERTEBRAL_LEVEL_TEXT)) {
    const n = Number(m[2]);
    const max = m[1] === 'C' ? 7 : m[1] === 'T' ? 12 : 5;
    if (n >= 1 && n <= max) levels.add(`${m[1]}${n}`);
  }
  return levels.size > 0 ? [...levels].join(', ') : undefined;
}

function classifyFracture(
  terminology: Terminology,
  codings: ReturnType<typeof readConcept>,
  bodySiteText: string,
): VertebralFracture | undefined {
  const coded = terminology.match('vertebral-fracture', codings.codings);
  const text = `${codings.text} ${bodySiteText}`;
  if (coded) {
    let kind = coded.concept.props.kind as FractureKind;
    // §2.3.1: "other site" pathological fractures count as vertebral only with a spinal body site.
    if (kind === 'possible' && T.SPINE_BODY_SITE_TEXT.test(bodySiteText)) kind = 'vertebral';
    const isIcd = coded.concept.system === SYSTEMS.icd10cm;
    const code = coded.recordCode;
    const shownCode = coded.originalCode;
    const level = coded.concept.props.level ?? levelFromText(text);
    // R7: a sequela (7th character S) in any ICD-10-CM coding of the Condition wins over a SNOMED coding of the
    // same condition, so a SNOMED + ICD-10-CM `S22.080S` pair is never "recent".
    const icdCodes = codings.codings
      .filter(
        (c) =>
          typeof c.code === 'string' &&
          (canonicalSystem(c.system) === SYSTEMS.icd10cm ||
            (c.system === undefined && ICD10CM_SHAPE.test(c.code.toUpperCase()))),
      )
      .map((c) => normaliseIcd(c.code as string));
    const sequelaElsewhere = icdCodes.some((c) => c.length === 7 && c[6] === 'S');
    const fracture: VertebralFracture = {
      kind,
      encounter: sequelaElsewhere
        ? 'sequela'
        : encounterOf(isIcd ? code : (icdCodes.find((c) => c.length === 7) ?? undefined), codings.text),
      code: shownCode,
      matchedByText: false,
    };
    if (level) fracture.level = level;
    if (isIcd && code.length === 7) fracture.stem = code.slice(0, 6);
    return fracture;
  }
  // §2.3.2 text fallback: vertebral site AND fracture/collapse, not sacrum/coccyx/femoral neck.
  if (
    !T.FRACTURE_TEXT.test(codings.text) ||
    !T.VERTEBRAL_SITE_TEXT.test(text) ||
    T.NON_VERTEBRAL_EXCLUSION_TEXT.test(text)
  ) {
    return undefined;
  }
  const level = levelFromText(text);
  const fracture: VertebralFracture = {
    kind: NEOPLASTIC_TEXT.test(codings.text) ? 'neoplastic' : 'vertebral',
    encounter: encounterOf(undefined, codings.text),
    matchedByText: true,
  };
  if (level) fracture.level = level;
  return fracture;
}

function classifyCardiovascular(
  terminology: Terminology,
  concept: ReturnType<typeof readConcept>,
): CardiovascularEvent | undefined {
  const coded = terminology.match('cardiovascular-events', concept.codings);
  if (coded) {
    return {
      event: coded.concept.props.event ?? 'cardiovascular event',
      otherCvd: coded.concept.props.otherCvd === 'true',
      historyOnly: coded.concept.props.history === 'onset-only',
      matchedByText: false,
    };
  }
  if (TIA_TEXT.test(concept.text))
    return { event: 'transient ischaemic attack', otherCvd: true, historyOnly: false, matchedByText: true };
  if (!T.CV_EVENT_TEXT.test(concept.text) || T.CV_EVENT_TEXT_EXCLUSION.test(concept.text)) return undefined;
  return {
    event:
      /infarct|stemi|heart attack/i.test(concept.text) && !/cerebral/i.test(concept.text)
        ? 'myocardial infarction'
        : 'stroke',
    otherCvd: false,
    historyOnly: CV_HISTORY_TEXT.test(concept.text),
    matchedByText: true,
  };
}

/** onsetAge (years or months) + birthDate → a day. */
function onsetFromAge(onsetAge: unknown, birthDay: Day | undefined): Day | undefined {
  const age = asObject(onsetAge);
  const value = asNumber(age?.value);
  if (!age || value === undefined || birthDay === undefined) return undefined;
  const unit = (asString(age.code) ?? asString(age.unit) ?? 'a').toLowerCase();
  const months = unit.startsWith('mo') ? value : value * 12;
  return addMonths(birthDay, Math.floor(months));
}

/**
 * One Condition → ConditionRecord, or undefined when ignored (R15: entered-in-error, refuted) or irrelevant to
 * every rule (neither a vertebral fracture, a CV event nor transplant status).
 */
export function normaliseCondition(
  resource: Received<R4.Condition & R3.Condition & R2.Condition>,
  terminology: Terminology,
  birthDay: Day | undefined,
  window: DateWindow,
): ConditionRecord | undefined {
  const verification = readStatus(resource.verificationStatus);
  const clinical = readStatus(resource.clinicalStatus);
  if (verification === 'refuted' || verification === 'entered-in-error' || clinical === 'entered-in-error')
    return undefined;
  const concept = readConcept(resource.code);
  const bodySiteText = asArray(resource.bodySite)
    .map((b) => readConcept(b).text)
    .join(' ');
  const vertebralFracture = classifyFracture(terminology, concept, bodySiteText);
  const cardiovascular = vertebralFracture ? undefined : classifyCardiovascular(terminology, concept);
  const transplantCoded = terminology.match('transplant-status', concept.codings);
  const transplant = transplantCoded
    ? { matchedByText: false }
    : T.TRANSPLANT_TEXT.test(concept.text)
      ? { matchedByText: true }
      : undefined;
  if (!vertebralFracture && !cardiovascular && !transplant) return undefined;

  const accept = (v: unknown): Day | undefined => {
    const d = parseDay(v);
    return d !== undefined && d <= window.latest ? d : undefined;
  };
  const onset =
    accept(resource.onsetDateTime) ??
    accept(asObject(resource.onsetPeriod)?.start) ??
    onsetFromAge(resource.onsetAge, birthDay);
  // R7 fallback to recordedDate (STU3 assertedDate, DSTU2 dateRecorded) — never for history-type concepts (R9).
  const recorded = cardiovascular?.historyOnly
    ? undefined
    : (accept(resource.recordedDate) ?? accept(resource.assertedDate) ?? accept(resource.dateRecorded));
  const day = onset !== undefined && onset <= window.latest ? onset : recorded;
  const reference = referenceOf(resource);
  // Assignments in a fixed order, not conditional spreads: one shape for thousands of Conditions (issue 11).
  const record: ConditionRecord = {
    display: concept.text.split(' | ')[0] || String(concept.codings[0]?.code ?? 'condition'),
    verification: verification && UNCONFIRMED.has(verification) ? 'unconfirmed' : 'confirmed',
  };
  if (reference) record.reference = reference;
  if (day !== undefined) {
    record.day = day;
    record.dateSource = onset !== undefined ? 'onset' : 'recorded';
  }
  if (vertebralFracture) record.vertebralFracture = vertebralFracture;
  if (cardiovascular) record.cardiovascular = cardiovascular;
  if (transplant) record.transplant = transplant;
  return record;
}
