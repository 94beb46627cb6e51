import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { CardAnalytics } from '../../../src/analytics/response-schema.js';
import type { CdsEngine } from '../../../src/service/engine.js';
import type { Card } from '../../../src/protocol/types.js';

export const TOPIC_SYSTEM = 'https://example.org/cds/catalogue';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const HASH_SECRET = 'test-patient-hash-secret-0123456789abcdef';

/** A stand-in for the clinical engine: for every call, one critical card with a suggestion and one warning card. */
export const stubEngine: CdsEngine = {
  contentVersion: 'test-1',
  evaluate: (): Card[] => [
    {
      uuid: randomUUID(),
      summary: 'Denosumab dose overdue',
      indicator: 'critical',
      source: { label: 'Test', topic: { system: TOPIC_SYSTEM, code: 'dmab-lapse' } },
      suggestions: [{ label: 'Order denosumab', uuid: randomUUID() }],
      selectionBehavior: 'at-most-one',
    },
    {
      uuid: randomUUID(),
      summary: 'Recent vertebral fracture',
      indicator: 'warning',
      source: { label: 'Test', topic: { system: TOPIC_SYSTEM, code: 'vf-recent' } },
    },
  ],
};

export interface ShownCard {
  uuid: string;
  catalogueId: string;
  suggestionUuids: string[];
}

/** A patient-view call as the CDS Hooks sandbox makes it (every prefetch key present). */
export async function callPatientView(app: FastifyInstance, patientId = 'p1'): Promise<ShownCard[]> {
  const res = await app.inject({
    method: 'POST',
    url: '/cds-services/osteoporosis-patient-view',
    payload: {
      hook: 'patient-view',
      hookInstance: randomUUID(),
      context: { patientId, userId: 'Practitioner/1' },
      prefetch: {
        patient: { resourceType: 'Patient', id: patientId },
        medicationAdministrations: null,
        medicationStatements: null,
        medicationRequests: null,
        medicationDispenses: null,
        conditions: null,
        procedures: null,
        chargeItems: null,
        observations: null,
      },
    },
  });
  if (res.statusCode !== 200) throw new Error(`patient-view answered ${res.statusCode}: ${res.body}`);
  return (res.json() as { cards: Card[] }).cards.map((card) => ({
    uuid: card.uuid!,
    catalogueId: card.source.topic!.code,
    suggestionUuids: (card.suggestions ?? []).map((s) => s.uuid!),
  }));
}

export function accepted(card: ShownCard, at = '2025-06-15T12:01:00.000Z') {
  return {
    card: card.uuid,
    outcome: 'accepted',
    acceptedSuggestions: [{ id: card.suggestionUuids[0] }],
    outcomeTimestamp: at,
  };
}

export function overridden(
  card: ShownCard,
  code: string,
  at = '2025-06-15T12:01:00.000Z',
  userComment?: string,
) {
  return {
    card: card.uuid,
    outcome: 'overridden',
    overrideReason: {
      reason: { code, system: 'https://example.org/override-reasons' },
      ...(userComment ? { userComment } : {}),
    },
    outcomeTimestamp: at,
  };
}

export async function sendFeedback(app: FastifyInstance, items: unknown[]): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/cds-services/osteoporosis-patient-view/feedback',
    payload: { feedback: items },
  });
  if (res.statusCode !== 200) throw new Error(`feedback answered ${res.statusCode}: ${res.body}`);
}

export async function fetchAnalytics(app: FastifyInstance, query = 'from=2025-01-01&to=2026-01-01') {
  const res = await app.inject({
    method: 'GET',
    url: `/analytics/cards?${query}`,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  if (res.statusCode !== 200) throw new Error(`analytics answered ${res.statusCode}: ${res.body}`);
  // The route answers with summarizeCards' result, serialised.
  return res.json() as CardAnalytics;
}
