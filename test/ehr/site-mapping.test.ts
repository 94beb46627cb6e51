import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { expectValidCdsResponse } from '../support/response-check.js';
import { fhirR4Problems } from '../cards/fhir-validator.js';
import * as F from '../clinical/support/fhir.js';
import { hookRequest, SERVICE } from '../scenarios/support.js';
import type { Card, FhirResource, HookName } from '../../src/protocol/types.js';
import { projectPath } from '../../src/paths.js';
import { NDC_OID, RXNORM_OID } from '../../src/ehr/epic-profile.js';

/** Counts FHIRPath compilations: the mapping's expressions are compiled at start-up, never per request. */
const compiled = vi.hoisted(() => ({ count: 0 }));
vi.mock('fhirpath', async (importOriginal) => {
  const original = await importOriginal<typeof import('fhirpath')>();
  return {
    ...original,
    compile: (...args: Parameters<typeof original.compile>) => {
      compiled.count++;
      return original.compile(...args);
    },
  };
});

/**
 * Issue 15, item 4: the site order mapping, with the example committed in docs/examples/site-order-mapping.json (an
 * Epic-style site): site codes in created orders, local medication codes and local extensions read as the
 * catalogue's concepts, and a clear start-up error for a broken file.
 */
const EXAMPLE = projectPath('docs', 'examples', 'site-order-mapping.json');
const ERX = 'urn:oid:1.2.840.114350.1.13.99999.7.2.698288';
const PROC = 'urn:oid:1.2.840.114350.1.13.99999.7.2.696580';
const EXT = 'https://fhir.example-hospital.org/StructureDefinition/';
const base = () => [F.patient(), F.osteoporosis()];

/** A denosumab dose known to the site only by its local ERX code (no RxNorm, no text the rules could read). */
const localDose = (date: string, extra: Record<string, unknown> = {}): FhirResource => ({
  resourceType: 'MedicationAdministration',
  id: `ma-${date}`,
  status: 'completed',
  subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { coding: [{ system: ERX, code: '220145' }] },
  effectiveDateTime: date,
  ...extra,
});

async function cardsOf(
  app: FastifyInstance,
  hook: HookName,
  resources: FhirResource[],
  drafts?: FhirResource[],
) {
  const res = await app.inject({
    method: 'POST',
    url: `/cds-services/${SERVICE[hook]}`,
    payload: hookRequest(hook, resources, drafts ? { drafts } : {}),
  });
  return expectValidCdsResponse(res).cards;
}
const ids = (cards: Card[]) => cards.map((c) => c.source.topic?.code).sort();
const created = (cards: Card[]) =>
  cards
    .flatMap((c) => (c.suggestions ?? []).flatMap((s) => s.actions ?? []))
    .flatMap((a) => a.resource ?? []);
const conceptOf = (r: FhirResource) =>
  (r.resourceType === 'MedicationRequest' ? r.medicationCodeableConcept : r.code) as {
    coding: { system: string; code: string }[];
  };

describe('site order mapping (SITE_ORDER_MAPPING)', () => {
  let plain: FastifyInstance;
  let mapped: FastifyInstance;
  let epic: FastifyInstance;
  let compiledAtStartUp: number;
  beforeAll(async () => {
    plain = await buildTestApp({ env: { LOAD_SHEDDING_ENABLED: 'false' } });
    compiled.count = 0;
    mapped = await buildTestApp({ env: { SITE_ORDER_MAPPING: EXAMPLE, LOAD_SHEDDING_ENABLED: 'false' } });
    compiledAtStartUp = compiled.count;
    epic = await buildTestApp({
      env: { SITE_ORDER_MAPPING: EXAMPLE, CDS_RESPONSE_PROFILE: 'epic', LOAD_SHEDDING_ENABLED: 'false' },
    });
  });
  afterAll(async () => {
    await Promise.all([plain.close(), mapped.close(), epic.close()]);
  });

  it('the example file has extractions, and its expressions were compiled when the app started', () => {
    const file = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { extractions: unknown[] };
    expect(compiledAtStartUp).toBe(file.extractions.length);
  });

  describe('orders: the site codes go into the created orders', () => {
    let cards: Card[];
    beforeAll(async () => {
      cards = await cardsOf(mapped, 'patient-view', [...base(), F.prolia('2024-05-15')]);
    });

    it('denosumab carries the stocked product NDC and the preference-list item after the RxNorm coding', () => {
      const denosumab = created(cards).find(
        (r) => r.resourceType === 'MedicationRequest' && /denosumab/.test(JSON.stringify(r)),
      )!;
      expect(conceptOf(denosumab).coding).toEqual([
        expect.objectContaining({ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '993452' }),
        expect.objectContaining({ system: 'http://hl7.org/fhir/sid/ndc', code: '55513-710' }),
        expect.objectContaining({ system: ERX, code: '220145' }),
      ]);
    });

    it('labs and imaging carry the local order codes; text-only catalogue orders become coded', () => {
      const byText = (re: RegExp) => created(cards).find((r) => re.test(JSON.stringify(r.code ?? '')))!;
      expect(conceptOf(byText(/17861-6/)).coding).toContainEqual(
        expect.objectContaining({ system: PROC, code: 'LAB30' }),
      );
      const imaging = byText(/Spine imaging/);
      expect(conceptOf(imaging).coding).toEqual([expect.objectContaining({ system: PROC, code: 'IMG1450' })]);
    });

    it('every created order is still a valid FHIR R4 resource', () => {
      for (const resource of created(cards))
        expect(fhirR4Problems(resource), JSON.stringify(resource)).toEqual([]);
    }, 120_000); // the first validation loads the FHIR R4 definitions (seconds on a loaded machine)

    it('without the mapping the same orders carry only the catalogue codes', async () => {
      const codings = created(
        await cardsOf(plain, 'patient-view', [...base(), F.prolia('2024-05-15')]),
      ).flatMap((r) => conceptOf(r).coding ?? []);
      expect(codings.some((c) => c.system === PROC || c.system === ERX)).toBe(false);
    });

    it('epic profile: RxNorm and NDC also with their OID systems', async () => {
      const epicCards = await cardsOf(epic, 'patient-view', [...base(), F.prolia('2024-05-15')]);
      const denosumab = created(epicCards).find((r) => /993452/.test(JSON.stringify(r)))!;
      expect(conceptOf(denosumab).coding).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ system: RXNORM_OID, code: '993452' }),
          expect.objectContaining({ system: NDC_OID, code: '55513-710' }),
          expect.objectContaining({ system: ERX, code: '220145' }),
        ]),
      );
    });
  });

  describe('local codes and extensions are read as the catalogue concepts', () => {
    it('a dose known only by its local ERX code raises the lapse card (none without the mapping)', async () => {
      expect(ids(await cardsOf(mapped, 'patient-view', [...base(), localDose('2024-05-15')]))).toContain(
        'DMAB-LAPSE',
      );
      expect(ids(await cardsOf(plain, 'patient-view', [...base(), localDose('2024-05-15')]))).not.toContain(
        'DMAB-LAPSE',
      );
    });

    it('a dose date kept in a local extension is read when the standard element is absent (FHIRPath)', async () => {
      const dose = localDose('2024-05-15');
      delete dose.effectiveDateTime;
      dose.extension = [{ url: `${EXT}dose-given-date`, valueDateTime: '2024-05-15T09:30:00Z' }];
      const cards = await cardsOf(mapped, 'patient-view', [...base(), dose]);
      const lapse = cards.find((c) => c.source.topic?.code === 'DMAB-LAPSE');
      expect(lapse?.summary).toMatch(/2024-05-15/);
    });

    it('the standard element wins over the local extension', async () => {
      const dose = localDose('2024-11-15', {
        extension: [{ url: `${EXT}dose-given-date`, valueDateTime: '2024-05-15' }],
      });
      const cards = await cardsOf(mapped, 'patient-view', [...base(), dose]);
      expect(ids(cards)).toContain('DMAB-OVERDUE');
      expect(ids(cards)).not.toContain('DMAB-LAPSE');
    });

    it('a local medication code in an extension (FHIRPath) is read as the concept', async () => {
      const statement: FhirResource = {
        resourceType: 'MedicationStatement',
        id: 'ms-local',
        status: 'completed',
        subject: { reference: 'Patient/p1' },
        medicationCodeableConcept: { text: 'outside medication' },
        effectiveDateTime: '2024-05-15',
        extension: [{ url: `${EXT}local-medication-code`, valueCode: '220145' }],
      };
      expect(ids(await cardsOf(mapped, 'patient-view', [...base(), statement]))).toContain('DMAB-LAPSE');
      expect(ids(await cardsOf(plain, 'patient-view', [...base(), statement]))).not.toContain('DMAB-LAPSE');
    });

    it('a draft order by local code is checked by the order rules', async () => {
      const draft: FhirResource = {
        resourceType: 'MedicationRequest',
        id: 'zol-local',
        status: 'draft',
        intent: 'order',
        subject: { reference: 'Patient/p1' },
        medicationCodeableConcept: { coding: [{ system: ERX, code: '118402' }] },
      };
      const lowCrCl: FhirResource = {
        resourceType: 'Observation',
        id: 'egfr',
        status: 'final',
        code: { coding: [{ system: F.LOINC, code: '62238-1' }] },
        subject: { reference: 'Patient/p1' },
        effectiveDateTime: '2025-06-01',
        valueQuantity: { value: 25, unit: 'mL/min/{1.73_m2}' },
      };
      expect(ids(await cardsOf(mapped, 'order-sign', [...base(), lowCrCl], [draft]))).toContain(
        'ORDER-ZOL-RENAL',
      );
      expect(ids(await cardsOf(plain, 'order-sign', [...base(), lowCrCl], [draft]))).not.toContain(
        'ORDER-ZOL-RENAL',
      );
    });

    it('requests compile nothing', () => {
      expect(compiled.count).toBe(compiledAtStartUp * 2); // the two apps built with the mapping, nothing since
    });
  });

  describe('a broken file stops the start-up with one line naming the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'site-mapping-'));
    const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    const write = (name: string, content: unknown) => {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      return path;
    };
    const cases: [string, string, RegExp][] = [
      ['missing file', join(dir, 'nope.json'), /cannot read file/],
      ['not JSON', write('bad.json', '{ orders: '), /not valid JSON/],
      [
        'unknown order',
        write('o.json', { orders: { 'denosumab-120mg': { codings: [{ system: PROC, code: 'X' }] } } }),
        /orders\.denosumab-120mg: not an order of the catalogue/,
      ],
      [
        'bad system',
        write('s.json', { orders: { 'lab-calcium': { codings: [{ system: 'LAB', code: 'X' }] } } }),
        /orders\.lab-calcium\.codings\.0\.system/,
      ],
      [
        'empty codings',
        write('e.json', { orders: { 'lab-calcium': { codings: [] } } }),
        /orders\.lab-calcium\.codings/,
      ],
      ['unknown field', write('u.json', { ...example, order: {} }), /order/],
      [
        'a local code mapped to a concept outside the value sets',
        write('c.json', {
          localCodes: [
            {
              system: ERX,
              code: '1',
              concept: { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '855288' },
            },
          ],
        }),
        /localCodes\.0\.concept: .*855288 is not a concept/,
      ],
      [
        'an invalid FHIRPath expression',
        write('f.json', {
          ...example,
          extractions: [
            {
              resourceType: 'MedicationAdministration',
              into: 'date',
              expression: "extension.where(url = 'x'",
            },
          ],
        }),
        /extractions\.0\.expression: not a valid FHIRPath expression/,
      ],
      [
        'an extraction of an unsupported resource type',
        write('t.json', {
          ...example,
          extractions: [{ resourceType: 'Patient', into: 'date', expression: 'birthDate' }],
        }),
        /extractions\.0\.resourceType/,
      ],
    ];
    it.each(cases)('%s', async (_name, path, message) => {
      const error = await buildTestApp({ env: { SITE_ORDER_MAPPING: path } }).then(
        async (app) => {
          await app.close();
          return undefined;
        },
        (err: Error) => err,
      );
      expect(error?.name).toBe('ConfigError');
      expect(error?.message).toMatch(/^Invalid SITE_ORDER_MAPPING file: /);
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toMatch(/\n/);
    });
  });
});
