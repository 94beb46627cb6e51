import type { CatalogueId, Evidence, FactsById, Finding } from '../../src/clinical/findings.js';

/** Synthetic findings for every catalogue id, with hostile and over-long strings wherever a rule passes text. */

export const NOW = new Date('2025-06-15T12:00:00Z');
export const TODAY = '2025-06-15';
export const PATIENT_ID = 'patient-123';

export const HOSTILE =
  '<img src=x onerror=alert(1)> **bold** [link](javascript:x) <script>alert(2)</script> https://evil.example/x www.evil.example a@b.example\n# heading\n- item | pipe `code` ~~strike~~ &amp;';
const LONG = 'Very long display string '.repeat(40);
const text = (label: string) => `${label} ${HOSTILE} ${LONG}`;

type AllFacts = { [K in CatalogueId]: Required<FactsById[K]> };

export const FULL_FACTS: AllFacts = {
  'DMAB-OVERDUE': {
    lastDoseDate: '2024-11-15',
    monthsSinceLastDose: 7,
    dueDate: '2025-05-15',
    daysOverdue: 31,
    nonMitigatingTherapy: text('Raloxifene'),
  },
  'DMAB-LAPSE': {
    lastDoseDate: '2024-05-15',
    monthsSinceLastDose: 13,
    dueDate: '2024-11-15',
    daysOverdue: 212,
    escalatedForPriorFracture: true,
    priorFractureDate: '2023-02-01',
    nonMitigatingTherapy: text('Raloxifene'),
  },
  'DMAB-LONG-GAP': {
    lastDoseDate: '2022-01-10',
    monthsSinceLastDose: 41,
    escalatedForPriorFracture: true,
    priorFractureDate: '2021-11-02',
  },
  'DMAB-PLANNED-STOP': { lastDoseDate: '2025-03-01', stopDate: '2025-06-10', followOnDueDate: '2025-09-01' },
  'DMAB-TRANSITION-MONITOR': {
    lastDoseDate: '2024-05-15',
    plannedOrder: text('Zoledronic acid 5 mg IV'),
    therapy: text('Zoledronic acid 5 mg IV'),
    therapyDate: '2024-11-20',
    ctx3moDate: '2025-07-20',
    ctx6moDate: '2025-10-20',
    ctxOnFile: text('CTX 650 pg/mL'),
    timingNote: text('given 6 weeks late'),
    ctxElevated: true,
    therapyKind: 'infusion',
  },
  'DMAB-ORALBP-AFTER-LONG': {
    lastDoseDate: '2024-06-01',
    denosumabDoseCount: 11,
    denosumabYears: 5,
    oralBisphosphonate: text('Alendronate 70 mg weekly'),
    oralBisphosphonateStart: '2024-12-01',
    oralBisphosphonateRef: 'MedicationRequest/alendronate-1',
    plannedOrder: text('Alendronate 70 mg weekly'),
  },
  'DMAB-DATA': {
    reason: 'order-only',
    documentedDate: '2025-06-01',
    orderedOn: '2025-06-01',
    assertedOn: '2025-06-01',
    dueIfOsteoporosis: '2025-12-01',
  },
  'VFX-RECENT': {
    fractureDate: '2024-10-15',
    monthsSinceFracture: 8,
    fractureDescription: text('S32.010A wedge fracture L1'),
    dateSource: 'recorded',
    fragility: true,
  },
  'VFX-IMMINENT': {
    fractureDate: '2023-12-15',
    monthsSinceFracture: 18,
    fractureDescription: text('Compression fracture'),
    dateSource: 'onset',
  },
  'RVFX-SUSPECTED': {
    lastDoseDate: '2024-06-01',
    monthsSinceLastDose: 12,
    fractureCount: 2,
    firstFractureDate: '2025-04-20',
    fractureSummary: text('L1 2025-04-20, L3 2025-05-10'),
    multiple: true,
    romosozumabOnly: true,
  },
  'ORDER-AUGMENT-RVFX': {
    orderName: text('Percutaneous vertebroplasty'),
    lastDoseDate: '2024-06-01',
    fractureCount: 2,
    fractureSummary: text('L1, L3'),
  },
  'ORDER-ROMO-CV': {
    orderName: text('Evenity 105 mg'),
    eventType: text('NSTEMI'),
    eventDate: '2024-12-15',
    monthsSinceEvent: 6,
    alreadyRunning: true,
  },
  'ORDER-ROMO-CV-OLD': {
    orderName: text('Evenity'),
    eventType: text('Ischaemic stroke'),
    eventDate: '2022-01-01',
    monthsSinceEvent: 41,
    euContraindicated: true,
  },
  'ORDER-ROMO-12': { orderName: text('Evenity'), priorDoseCount: 12, firstDoseDate: '2024-05-01' },
  'ORDER-PTH-AFTER-DMAB': {
    orderName: text('Teriparatide 20 mcg daily'),
    lastDoseDate: '2025-01-10',
    monthsSinceLastDose: 5,
    withRebound: true,
  },
  'ORDER-PTH-24MO': {
    orderName: text('Teriparatide'),
    cumulativeMonths: 25,
    firstDoseDate: '2023-05-01',
    drug: 'abaloparatide',
  },
  'ORDER-ZOL-RENAL': {
    orderName: text('Zoledronic acid 5 mg'),
    measure: 'eGFR',
    value: 28,
    unit: text('mL/min/1.73m2'),
    resultDate: '2025-06-01',
    crclNote: text('CrCl 30 mL/min (Cockcroft-Gault)'),
  },
  'ORDER-DMAB-CA': {
    orderName: text('Prolia'),
    calcium: 7.9,
    unit: text('mg/dL'),
    resultDate: '2025-06-10',
    lowLimit: text('8.5 mg/dL'),
    lowLimitSource: text('default lower limit'),
  },
  'ORDER-DMAB-CKD': { orderName: text('Prolia'), egfr: 24, resultDate: '2025-06-01' },
  'ORDER-DMAB-DUPLICATE': {
    orderName: text('Prolia 60 mg'),
    orderRegimen: text('osteoporosis (60 mg every 6 months)'),
    otherTherapy: text('Xgeva 120 mg'),
    otherRegimen: text('oncology (120 mg every 4 weeks)'),
    otherEvidence: text('last dose on 2025-05-20'),
  },
  'ORDER-LABS': { orderName: text('Prolia'), missingLabs: text('calcium, creatinine'), windowMonths: 6 },
  GIOP: {
    glucocorticoid: text('Prednisone 5 mg'),
    prednisoneEquivalentMgPerDay: 5,
    since: '2024-12-01',
    days: 196,
  },
  'IMMUNOSUPP-DMAB': {
    orderName: text('Prolia'),
    immunosuppressants: text('tacrolimus, mycophenolate'),
    transplant: text('Z94.0 kidney'),
    newStart: true,
  },
  'ONC-DMAB-STOP': { lastDoseDate: '2024-01-20', monthsSinceLastDose: 16 },
  'ORDER-CHECK-INCOMPLETE': {
    ordersReceived: 20_000,
    ordersChecked: 200,
    ordersNotChecked: 19_800,
    cardsNotShown: 1_000,
  },
};

/** The same findings without any optional fact (the other template branches). */
export const MINIMAL_FACTS: { [K in CatalogueId]: FactsById[K] } = {
  'DMAB-OVERDUE': {
    lastDoseDate: '2024-11-15',
    monthsSinceLastDose: 7,
    dueDate: '2025-05-15',
    daysOverdue: 31,
  },
  'DMAB-LAPSE': {
    lastDoseDate: '2024-05-15',
    monthsSinceLastDose: 13,
    dueDate: '2024-11-15',
    daysOverdue: 212,
  },
  'DMAB-LONG-GAP': {
    lastDoseDate: '2022-01-10',
    monthsSinceLastDose: 41,
    escalatedForPriorFracture: true,
    priorFractureDate: '2021-11-02',
  },
  'DMAB-PLANNED-STOP': { lastDoseDate: '2025-03-01', followOnDueDate: '2025-09-01' },
  'DMAB-TRANSITION-MONITOR': {
    lastDoseDate: '2024-05-15',
    therapy: 'Zoledronic acid',
    therapyDate: '2024-11-20',
    therapyKind: 'oral',
  },
  'DMAB-ORALBP-AFTER-LONG': {
    lastDoseDate: '2024-06-01',
    denosumabDoseCount: 11,
    denosumabYears: 5,
    oralBisphosphonate: 'Alendronate 70 mg weekly',
    oralBisphosphonateStart: '2024-12-01',
  },
  'DMAB-DATA': { reason: 'no-dose-date' },
  'VFX-RECENT': {
    fractureDate: '2024-10-15',
    monthsSinceFracture: 8,
    fractureDescription: 'L1 fracture',
    fragility: false,
  },
  'VFX-IMMINENT': { fractureDate: '2023-12-15', monthsSinceFracture: 18, fractureDescription: 'L2 fracture' },
  'RVFX-SUSPECTED': {
    lastDoseDate: '2024-06-01',
    monthsSinceLastDose: 12,
    fractureCount: 1,
    firstFractureDate: '2025-04-20',
    fractureSummary: 'L1',
    multiple: false,
  },
  'ORDER-AUGMENT-RVFX': {
    orderName: 'Vertebroplasty',
    lastDoseDate: '2024-06-01',
    fractureCount: 1,
    fractureSummary: 'L1',
  },
  'ORDER-ROMO-CV': {
    orderName: 'Evenity',
    eventType: 'Stroke',
    eventDate: '2025-01-01',
    monthsSinceEvent: 5,
    alreadyRunning: false,
  },
  'ORDER-ROMO-CV-OLD': {
    orderName: 'Evenity',
    eventType: 'coronary artery disease',
    euContraindicated: false,
  },
  'ORDER-ROMO-12': { orderName: 'Evenity', priorDoseCount: 12 },
  'ORDER-PTH-AFTER-DMAB': {
    orderName: 'Teriparatide',
    lastDoseDate: '2025-01-10',
    monthsSinceLastDose: 5,
    withRebound: false,
  },
  'ORDER-PTH-24MO': { ...FULL_FACTS['ORDER-PTH-24MO'], drug: 'teriparatide' },
  'ORDER-ZOL-RENAL': {
    orderName: 'Zoledronic acid',
    measure: 'calcium',
    value: 7.8,
    unit: 'mg/dL',
    resultDate: '2025-06-01',
  },
  'ORDER-DMAB-CA': FULL_FACTS['ORDER-DMAB-CA'],
  'ORDER-DMAB-CKD': FULL_FACTS['ORDER-DMAB-CKD'],
  'ORDER-DMAB-DUPLICATE': FULL_FACTS['ORDER-DMAB-DUPLICATE'],
  'ORDER-LABS': FULL_FACTS['ORDER-LABS'],
  GIOP: FULL_FACTS.GIOP,
  'IMMUNOSUPP-DMAB': { orderName: 'Prolia', newStart: false },
  'ONC-DMAB-STOP': FULL_FACTS['ONC-DMAB-STOP'],
  'ORDER-CHECK-INCOMPLETE': { ordersReceived: 12, ordersChecked: 12 },
};

export const HOSTILE_EVIDENCE: Evidence[] = [
  {
    reference: 'MedicationAdministration/ma-1',
    resourceType: 'MedicationAdministration',
    date: '2024-05-15',
    description: text('Prolia 60 mg SC administered'),
  },
  { resourceType: 'Condition', description: text('Vertebral fracture'), matchedByText: true },
  ...Array.from({ length: 20 }, (_, i) => ({
    resourceType: 'Observation',
    date: '2025-01-01',
    description: `eGFR ${i}`,
  })),
];

const ORDER_TYPE: Partial<Record<CatalogueId, string>> = {
  'ORDER-AUGMENT-RVFX': 'ServiceRequest',
};

export function findingFor(id: CatalogueId, variant: 'full' | 'minimal' = 'full'): Finding {
  const facts = variant === 'full' ? FULL_FACTS[id] : MINIMAL_FACTS[id];
  const finding = {
    id,
    indicator: 'warning',
    facts: { ...facts, today: TODAY },
    evidence: variant === 'full' ? HOSTILE_EVIDENCE : [],
    matchedByTextOnly: variant === 'full',
    notes: variant === 'full' ? [text('Note')] : [],
  } as Finding;
  if (id.startsWith('ORDER-') || id === 'IMMUNOSUPP-DMAB')
    finding.draftOrderRef = `${ORDER_TYPE[id] ?? 'MedicationRequest'}/draft-1`;
  return finding;
}
