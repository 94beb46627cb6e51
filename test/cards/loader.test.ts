/* eslint-disable @typescript-eslint/no-explicit-any -- these tests navigate untyped JSON content and FHIR resources */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CardContentError, loadCardCatalogue } from '../../src/cards/loader.js';
import { CATALOGUE_IDS } from '../../src/clinical/findings.js';
import { projectPath } from '../../src/paths.js';
import { fhirR4Problems } from './fhir-validator.js';

const CARDS = projectPath('cards');
const copies: string[] = [];

/** A scratch copy of cards/ with one file changed by `edit` (a string result is written as is). */
function contentWith(file: string, edit: (json: any) => unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'cards-'));
  copies.push(dir);
  cpSync(CARDS, dir, { recursive: true });
  const path = join(dir, file);
  const edited = edit(JSON.parse(readFileSync(path, 'utf8')));
  writeFileSync(path, typeof edited === 'string' ? edited : JSON.stringify(edited));
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadCardCatalogue(dir);
  } catch (error) {
    if (error instanceof CardContentError) return error.problems;
    throw error;
  }
  return [];
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('card content in cards/', () => {
  it('has exactly one content file per catalogue id, and no other card file', () => {
    const files = readdirSync(CARDS).filter((f) => f.endsWith('.json') && !f.startsWith('_'));
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual([...CATALOGUE_IDS].sort());
  });

  it('loads, with a semantic content version and a content hash', () => {
    const catalogue = loadCardCatalogue(CARDS);
    expect(catalogue.version).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{8}$/);
    expect([...catalogue.cards.keys()].sort()).toEqual([...CATALOGUE_IDS].sort());
  });

  it('every content file names its own id', () => {
    for (const id of CATALOGUE_IDS)
      expect(JSON.parse(readFileSync(join(CARDS, `${id}.json`), 'utf8')).id).toBe(id);
  });
});

describe('the loader rejects malformed content', () => {
  const cases: [string, string, (json: any) => unknown, RegExp][] = [
    ['invalid JSON', 'DMAB-LAPSE.json', () => '{ not json', /DMAB-LAPSE\.json: not valid JSON/],
    ['an unknown field', 'DMAB-LAPSE.json', (j) => ({ ...j, colour: 'red' }), /DMAB-LAPSE\.json: .*colour/],
    ['a wrong id', 'DMAB-LAPSE.json', (j) => ({ ...j, id: 'DMAB-OVERDUE' }), /"id" is DMAB-OVERDUE/],
    ['an unknown indicator', 'GIOP.json', (j) => ({ ...j, indicator: 'urgent' }), /GIOP\.json: indicator/],
    [
      'a fact the rule does not produce',
      'GIOP.json',
      (j) => ({ ...j, summary: 'Dose {{doseMg}} mg' }),
      /unknown fact \{\{doseMg\}\}/,
    ],
    [
      'an optional fact without a guard',
      'DMAB-LAPSE.json',
      (j) => ({ ...j, detail: ['Fracture {{priorFractureDate}}'] }),
      /optional fact \{\{priorFractureDate\}\}/,
    ],
    [
      'a malformed placeholder',
      'GIOP.json',
      (j) => ({ ...j, detail: ['Since {{since}'] }),
      /malformed placeholder/,
    ],
    [
      'a summary that could exceed 139 characters',
      'GIOP.json',
      (j) => ({ ...j, summary: `${'x'.repeat(100)} {{glucocorticoid}}` }),
      /can reach 141 characters/,
    ],
    [
      'an unknown order',
      'GIOP.json',
      (j) => ({
        ...j,
        suggestions: [{ label: 'x', isRecommended: true, actions: [{ create: 'bone-scan' }] }],
      }),
      /unknown order "bone-scan"/,
    ],
    [
      'suggestions without selectionBehavior',
      'GIOP.json',
      (j) => ({ ...j, selectionBehavior: undefined }),
      /selectionBehavior/,
    ],
    [
      'two recommended suggestions',
      'DMAB-LAPSE.json',
      (j) => ({ ...j, suggestions: j.suggestions.map((s: any) => ({ ...s, isRecommended: true })) }),
      /at most one/,
    ],
    [
      'an unknown source',
      'GIOP.json',
      (j) => ({ ...j, sources: [...j.sources, 'wikipedia'] }),
      /unknown source "wikipedia"/,
    ],
    [
      'an unknown override reason',
      'GIOP.json',
      (j) => ({ ...j, overrideReasons: ['because'] }),
      /unknown override reason "because"/,
    ],
    [
      'an UNVERIFIED code',
      '_orders.json',
      (j) => ({
        orders: {
          ...j.orders,
          'lab-ctx': {
            ...j.orders['lab-ctx'],
            code: {
              text: 'CTX',
              coding: { system: 'http://loinc.org', code: '1-1', verification: ['UNVERIFIED'] },
            },
          },
        },
      }),
      /UNVERIFIED codes may not be shipped/,
    ],
    [
      'a non-https source url',
      '_sources.json',
      (j) => ({
        sources: { ...j.sources, 'lyu-2020': { ...j.sources['lyu-2020'], url: 'javascript:alert(1)' } },
      }),
      /_sources\.json: sources\.lyu-2020\.url/,
    ],
    [
      'an occurrence from a non-date fact',
      'DMAB-PLANNED-STOP.json',
      (j) => ({
        ...j,
        suggestions: [
          {
            label: 'x',
            isRecommended: true,
            actions: [{ create: 'lab-ctx', occurrence: { from: 'lastDose' } }],
          },
        ],
      }),
      /occurrence\.from "lastDose" is not a date fact/,
    ],
  ];

  it.each(cases)('%s', (_name, file, edit, expected) => {
    const dir = contentWith(file, edit);
    expect(problemsOf(dir).join('\n')).toMatch(expected);
  });

  it('a missing content file', () => {
    const dir = contentWith('GIOP.json', (j) => j);
    rmSync(join(dir, 'GIOP.json'));
    expect(problemsOf(dir).join('\n')).toMatch(/GIOP\.json: missing/);
  });

  it('a content file for an id outside the catalogue', () => {
    const dir = contentWith('GIOP.json', (j) => j);
    writeFileSync(join(dir, 'DMAB-EXTRA.json'), readFileSync(join(dir, 'GIOP.json')));
    expect(problemsOf(dir).join('\n')).toMatch(/DMAB-EXTRA\.json: not a catalogue id/);
  });
});

describe('the FHIR validator used by these tests', () => {
  it('really rejects invalid resources', () => {
    const base = {
      resourceType: 'MedicationRequest',
      id: 'a',
      status: 'draft',
      intent: 'proposal',
      subject: { reference: 'Patient/1' },
      medicationCodeableConcept: { text: 'x' },
    };
    expect(fhirR4Problems(base)).toEqual([]);
    expect(fhirR4Problems({ ...base, status: 'bogus' })).not.toEqual([]);
    expect(fhirR4Problems({ ...base, intent: 'wish' })).not.toEqual([]);
    expect(fhirR4Problems({ ...base, dosage: [] })).not.toEqual([]);
    expect(fhirR4Problems({ ...base, authoredOn: '15/06/2025' })).not.toEqual([]);
    expect(fhirR4Problems({ ...base, medicationCodeableConcept: undefined })).not.toEqual([]);
  });
});
