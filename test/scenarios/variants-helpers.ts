import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { FhirResource, HookName } from '../../src/protocol/types.js';
import { expectValidCdsResponse } from '../support/response-check.js';
import * as F from '../clinical/support/fhir.js';
import { hookRequest, SERVICE, type HookRequestOptions } from './support.js';

/**
 * Variant scenarios (examiner-style variations of knowledge.md §3) through the HTTP interface. Every response is
 * checked against the strict CDS Hooks 2.0 response schema; cards are compared by `source.topic.code:indicator`.
 */

export interface FullCard {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: string;
  source: { label: string; url?: string; topic?: { code?: string } };
  suggestions?: {
    label: string;
    isRecommended?: boolean;
    actions?: { type: string; resourceId?: string; resource?: Record<string, unknown> }[];
  }[];
}

export type Opts = HookRequestOptions;

export async function call(
  app: FastifyInstance,
  hook: HookName,
  resources: FhirResource[],
  opts: Opts = {},
): Promise<FullCard[]> {
  const payload = hookRequest(hook, resources, opts);
  const res = await app.inject({ method: 'POST', url: `/cds-services/${SERVICE[hook]}`, payload });
  const body = expectValidCdsResponse(res);
  for (const card of body.cards) {
    expect(card.summary.length).toBeLessThan(140);
    expect(card.source.topic?.code, JSON.stringify(card.source)).toBeTruthy();
  }
  if (process.env.SHOW_CARDS)
    for (const c of body.cards) console.log(`CARD ${c.source.topic?.code}:${c.indicator} | ${c.summary}`);
  return body.cards as unknown as FullCard[];
}

export const codesOf = (cards: FullCard[]) =>
  cards.map((c) => `${c.source.topic?.code}:${c.indicator}`).sort();
export const byCode = (cards: FullCard[], code: string) => cards.find((c) => c.source.topic?.code === code);

export const TEXT_MATCH = /recognised from its free text only/i;

/** Default §3 patient: woman, 72 y, M81.0. */
export const base = (): FhirResource[] => [F.patient(), F.osteoporosis()];

export const prolia = (
  date: string,
  code = '993452',
  display = '1 ML denosumab 60 MG/ML Prefilled Syringe',
) => F.administration({ system: F.RXNORM, code, display }, date, { doseMg: 60 });
