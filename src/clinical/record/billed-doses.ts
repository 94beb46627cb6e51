import type * as R3 from 'fhir/r3.js';
import type * as R4 from 'fhir/r4.js';
import type { Day } from '../dates.js';
import type { Terminology } from '../terminology/valuesets.js';
import {
  asNumber,
  asObject,
  readCodings,
  readConcept,
  readQuantity,
  readStatus,
  referenceOf,
  type Received,
} from './fhir-read.js';
import { acceptDay, classify, type DateWindow, type MedicationClassifier } from './medications.js';
import type { MedicationRecord } from './types.js';

/**
 * Claims-style dose evidence (issue #16 item 2, decision 18): a Procedure or ChargeItem coded with a drug billing
 * code of the denosumab value set (HCPCS J0897, "Injection, denosumab, 1 mg") counts as a denosumab dose on its
 * date. ChargeItem.quantity is the number of billing units: × unitMg gives the dose (60 → osteoporosis regimen,
 * 120 → oncology regimen, otherwise the rule for a dose without strength). A Procedure has no quantity.
 */

export const BILLING_TYPES = new Set(['Procedure', 'ChargeItem']);

/** Procedure.status values that document a performed procedure; ChargeItem.status values of a charge for care given. */
const PERFORMED: Record<string, ReadonlySet<string>> = {
  Procedure: new Set(['', 'completed', 'in-progress']),
  ChargeItem: new Set(['', 'billable', 'billed', 'not-billable']),
};

export function normaliseBilledDose(
  resource: Received<R4.Procedure & R4.ChargeItem & R3.Procedure>,
  terminology: Terminology,
  window: DateWindow,
  classifier?: MedicationClassifier,
): MedicationRecord | undefined {
  const resourceType = String(resource.resourceType);
  const performed = PERFORMED[resourceType];
  if (!performed) return undefined;
  // Codes first: most procedures and charges are not drug billing codes.
  const coded = terminology.match('denosumab', readCodings(resource.code));
  if (!coded || coded.concept.props.unitMg === undefined) return undefined;
  const status = readStatus(resource.status) ?? '';
  if (!performed.has(status) || resource.notPerformed === true) return undefined;

  const units = resourceType === 'ChargeItem' ? readQuantity(resource.quantity)?.value : undefined;
  const unitMg = asNumber(coded.concept.props.unitMg) ?? 1;
  const doseMg = units !== undefined && units > 0 ? units * unitMg : undefined;
  const concept = readConcept(resource.code);
  const { agent, glucocorticoid, immunosuppressants } = classifier
    ? classifier(concept, doseMg)
    : classify(terminology, concept, doseMg);
  if (!agent) return undefined;

  const state = { hadFutureDate: false };
  const day: Day | undefined = acceptDay(
    resource.performedDateTime ??
      asObject(resource.performedPeriod)?.start ??
      resource.occurrenceDateTime ??
      asObject(resource.occurrencePeriod)?.start,
    window,
    state,
  );
  const reference = referenceOf(resource);
  const display = concept.text.split(' | ')[0] || `${coded.concept.display} (${coded.originalCode})`;
  return {
    ...(reference ? { reference } : {}),
    resourceType,
    kind: 'billing',
    status,
    display: doseMg !== undefined ? `${display}, ${units} units` : display,
    agent,
    glucocorticoid,
    immunosuppressants,
    ...(day !== undefined ? { doseDay: day, startDay: day } : {}),
    hadFutureDate: state.hadFutureDate,
    ...(doseMg !== undefined ? { doseMg } : {}),
    active: false,
    explicitStop: false,
  };
}
