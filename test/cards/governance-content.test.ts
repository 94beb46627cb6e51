/* eslint-disable @typescript-eslint/no-explicit-any -- these tests navigate untyped FHIR resources in suggestions */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/protocol/types.js';
import { truncateWords } from '../../src/cards/escape.js';
import { loadCardCatalogue } from '../../src/cards/loader.js';
import { createCardRenderer } from '../../src/cards/render.js';
import { CATALOGUE_IDS, type CatalogueId, type Finding } from '../../src/clinical/findings.js';
import { projectPath } from '../../src/paths.js';
import { FULL_FACTS, MINIMAL_FACTS, NOW, PATIENT_ID, TODAY } from './fixtures.js';

/**
 * What a CDS governance committee checks in the card content (issue #14): no internal notes in clinician-facing
 * text, a resolvable identifier for every citation, label statements that name their jurisdiction, summaries that
 * start with the action and never cut a word, short detail prose, the override reasons clinicians need.
 */

const catalogue = loadCardCatalogue(projectPath('cards'));
const render = createCardRenderer(catalogue);
const json = (file: string) => JSON.parse(readFileSync(projectPath('cards', file), 'utf8'));

function rendered(id: CatalogueId, facts: 'full' | 'minimal', extra: Record<string, unknown> = {}): Card {
  const base = (facts === 'full' ? FULL_FACTS : MINIMAL_FACTS)[id];
  const finding = {
    id,
    indicator: 'warning',
    facts: { ...base, today: TODAY, ...extra },
    evidence: [],
    draftOrderRef: 'MedicationRequest/draft-1',
  } as unknown as Finding;
  return render([finding], { patientId: PATIENT_ID, now: NOW, hook: 'order-select' })[0]!;
}

/** Plain facts for the ids whose minimal fixture reuses the hostile, over-long strings (for word counts). */
const PLAIN: Partial<Record<CatalogueId, Record<string, unknown>>> = {
  'DMAB-ORALBP-AFTER-LONG': {
    ...FULL_FACTS['DMAB-ORALBP-AFTER-LONG'],
    oralBisphosphonate: 'alendronic acid 70 MG Oral Tablet',
    plannedOrder: 'alendronic acid 70 MG Oral Tablet',
  },
  'ORDER-PTH-24MO': {
    ...FULL_FACTS['ORDER-PTH-24MO'],
    orderName: 'teriparatide 20 mcg daily',
    drug: 'teriparatide',
  },
  'ORDER-DMAB-CA': {
    orderName: 'Prolia 60 mg',
    calcium: 7.9,
    unit: 'mg/dL',
    resultDate: '2025-06-10',
    lowLimit: '8.6 mg/dL',
    lowLimitSource: 'lab reference range',
  },
  'ORDER-DMAB-CKD': { orderName: 'Prolia 60 mg', egfr: 24, resultDate: '2025-06-01' },
  'ORDER-DMAB-DUPLICATE': {
    orderName: 'Prolia 60 mg',
    orderRegimen: 'osteoporosis regimen (60 mg every 6 months)',
    otherTherapy: 'Xgeva 120 mg',
    otherRegimen: 'oncology regimen (120 mg every 4 weeks)',
    otherEvidence: 'last dose on 2025-05-30, within its dosing interval',
  },
  'ORDER-LABS': { orderName: 'Prolia 60 mg', missingLabs: 'calcium, creatinine/eGFR', windowMonths: 6 },
  GIOP: {
    glucocorticoid: 'prednisone 5 MG Oral Tablet',
    prednisoneEquivalentMgPerDay: 5,
    since: '2024-12-01',
    days: 196,
  },
};
const plain = (id: CatalogueId) => rendered(id, 'minimal', PLAIN[id] ?? {});

const everyCard = (): Card[] =>
  CATALOGUE_IDS.flatMap((id) => [
    rendered(id, 'full'),
    rendered(id, 'minimal'),
    rendered(id, 'full', { labelJurisdiction: 'eu' }),
  ]);

/** Every string a clinician can see on a card. */
function clinicianText(card: Card): string[] {
  return [
    card.summary,
    card.detail ?? '',
    card.source.label,
    ...(card.links ?? []).map((l) => l.label),
    ...(card.overrideReasons ?? []).map((r) => r.display ?? ''),
    ...(card.suggestions ?? []).flatMap((s) => [s.label, ...(s.actions ?? []).map((a) => a.description)]),
  ];
}

/** The prose of the detail: the content lines, before the records, notes, sources and footer. */
const prose = (card: Card) =>
  (card.detail ?? '').split(/\n\n\*\*(?:Records found|Notes|Sources)\*\*|\n\n_/)[0]!;
const words = (text: string) => text.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('card content a CDS committee would sign (issue #14)', () => {
  it('no clinician-facing text carries internal notes', () => {
    const internal =
      /abstract-verified|sign-?off|product decision|knowledge[ .]?(?:base|md)|awaiting|needs sign|design choice|secondary (?:source|excerpt|summary)|from memory|low-quality source|\(R\d{1,2}\)/i;
    for (const card of everyCard()) {
      for (const text of clinicianText(card)) expect(text, card.source.topic?.code).not.toMatch(internal);
    }
  });

  it('every citation has a resolvable identifier (PubMed, DOI, label set id, journal, EC register, HL7)', () => {
    const resolvable = [
      /^https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/\d+\/$/,
      /^https:\/\/doi\.org\/10\.\d{4,}\/\S+$/,
      /^https:\/\/dailymed\.nlm\.nih\.gov\/dailymed\/drugInfo\.cfm\?setid=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      /^https:\/\/academic\.oup\.com\/jcem\/(?:article|issue)\/[\d/]+$/,
      /^https:\/\/ec\.europa\.eu\/health\/documents\/community-register\/\d{4}\/\d+\/anx_\d+_en\.pdf$/,
      /^https:\/\/hl7\.org\/fhir\/R4\/[a-z]+\.html$/,
      /^https:\/\/cds-hooks\.hl7\.org\/2\.0\/#[a-z-]+$/,
    ];
    const sources = json('_sources.json').sources as Record<string, { url?: string; citation: string }>;
    for (const [key, source] of Object.entries(sources)) {
      expect(source.url, key).toBeDefined();
      expect(
        resolvable.some((r) => r.test(source.url!)),
        `${key}: ${source.url}`,
      ).toBe(true);
      expect(source.url, key).not.toMatch(/search/i);
      // A product label links to the label itself (its DailyMed set id or the EU SmPC), never to a search.
      if (/-label$/.test(key)) expect(source.url, key).toMatch(/setid=/);
    }
  });

  it('every label statement names its jurisdiction ("US label", "EU SmPC")', () => {
    for (const card of everyCard()) {
      const text = `${card.summary}\n${prose(card)}`;
      for (const m of text.matchAll(/\blabel\b/gi)) {
        expect(
          text.slice(Math.max(0, m.index - 3), m.index),
          `${card.source.topic?.code}: …${text.slice(m.index - 20, m.index + 20)}…`,
        ).toBe('US ');
      }
      for (const m of text.matchAll(/\bSmPC\b/g)) expect(text.slice(m.index - 3, m.index)).toBe('EU ');
    }
  });

  it('every summary starts with the action (a verb) and stays within 140 characters', () => {
    const verbs = new Set([
      'Add',
      'Arrange',
      'Assess',
      'Cancel',
      'Check',
      'Confirm',
      'Consider',
      'Continue',
      'Give',
      'Hold',
      'Order',
      'Plan',
      'Reassess',
      'Remove',
      'Restart',
      'Review',
      'Schedule',
      'Start',
      'Stop',
      'Switch',
      'Verify',
      'Weigh',
    ]);
    for (const card of everyCard()) {
      expect(verbs.has(card.summary.split(/[\s:]/)[0]!), card.summary).toBe(true);
      expect(card.summary.length).toBeLessThanOrEqual(140);
    }
  });

  it('summaries never cut a word, a unit or a lab name', () => {
    expect(truncateWords('Very long display string Very long display string', 20)).toBe('Very long display…');
    expect(truncateWords('8.5 mg/dL (default lower limit)', 16)).toBe('8.5 mg/dL…');
    const vocabulary = new Set(
      Object.values(FULL_FACTS)
        .flatMap((facts) => Object.values(facts))
        .filter((v): v is string => typeof v === 'string')
        .flatMap((v) => v.split(/\s+/)),
    );
    for (const id of CATALOGUE_IDS) {
      const summary = rendered(id, 'full').summary;
      for (const piece of summary.split('…').slice(0, -1)) {
        const lastWord = piece.split(/\s+/).pop()!.replace(/‹/g, '<').replace(/›/g, '>');
        expect(
          vocabulary.has(lastWord) || /^[‹›<>&"'[\]()*_`#|~!-]+$/.test(lastWord) || lastWord === '',
          `${id}: ${summary}`,
        ).toBe(true);
      }
    }
  });

  it('detail prose is short: about 80 words (median ≤ 80, none over 110)', () => {
    const counts = CATALOGUE_IDS.map((id) => words(prose(plain(id))));
    expect(median(counts)).toBeLessThanOrEqual(80);
    expect(Math.max(...counts)).toBeLessThanOrEqual(110);
  });

  it('the action comes first in the detail too (the first line is bold and starts with a verb)', () => {
    for (const id of CATALOGUE_IDS) {
      const first = prose(rendered(id, 'minimal')).split('\n\n')[0]!;
      expect(first, id).toMatch(/^\*\*[A-Z][a-z]+/);
    }
  });

  it('override reasons clinicians need are offered, meaningless ones are gone', () => {
    const reasons = json('_override-reasons.json').reasons as Record<string, string>;
    for (const key of [
      'dose-already-scheduled',
      'crcl-calculated-ok',
      'corrected-calcium-normal',
      'bisphosphonate-contraindicated',
    ])
      expect(reasons[key], key).toBeDefined();
    expect(reasons['documented-contraindication']).toBeUndefined();
    const offered = (id: CatalogueId) => catalogue.cards.get(id)!.overrideReasons.map((r) => r.code);
    expect(offered('ORDER-ZOL-RENAL')).toEqual(
      expect.arrayContaining(['crcl-calculated-ok', 'corrected-calcium-normal']),
    );
    expect(offered('ORDER-DMAB-CA')).toContain('corrected-calcium-normal');
    expect(offered('DMAB-OVERDUE')).toContain('dose-already-scheduled');
    expect(offered('DMAB-PLANNED-STOP')).toContain('bisphosphonate-contraindicated');
    // A card about a contraindication does not offer "documented contraindication" as a reason to ignore it.
    expect(offered('ORDER-ROMO-CV')).not.toContain('benefit-outweighs-risk');
  });

  it('suggested labs carry the codes US labs report: eGFR CKD-EPI 2021, phosphate mass/volume, coded PTH', () => {
    const code = (key: string) =>
      catalogue.orders.get(key)!.build({ patientId: 'p', authoredOn: TODAY, reason: 'r' }) as Record<
        string,
        any
      >;
    expect(code('lab-egfr').code.coding[0].code).toBe('98979-8');
    expect(code('lab-phosphate').code.coding[0].code).toBe('2777-1');
    expect(code('lab-pth').code.coding[0]).toMatchObject({ system: 'http://loinc.org', code: '2731-8' });
  });
});
