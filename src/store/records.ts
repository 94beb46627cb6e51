import type { CdsEventMap } from '../observability/events.js';
import type { PatientHasher } from './patient-hash.js';
import { catalogueIdOfTopicCode } from '../ehr/topic-codes.js';
import { readOverride, type RawOverrideReason } from '../protocol/override-reasons.js';
import type { CardLogRecord, FeedbackRecord, StoredOverrideReason } from './types.js';

/**
 * Event → record mapping: the only place that decides which fields of a hook call or a feedback item are kept.
 * The patient id goes in as an HMAC; nothing else from the request (context, prefetch, orders) is read.
 */
export function cardRecords(
  event: CdsEventMap['hook.completed'],
  hashPatient: PatientHasher,
  shownAt: Date,
): CardLogRecord[] {
  // A card without a uuid can never receive feedback (clients send none for it), so there is nothing to link.
  const cards = event.cards.filter((card) => typeof card.uuid === 'string' && card.uuid.length > 0);
  if (cards.length === 0) return [];
  const patientHash = hashPatient(event.patientId);
  return cards.map((card) => ({
    cardUuid: card.uuid!,
    suggestionUuids: (card.suggestions ?? []).flatMap((s) => (s.uuid ? [s.uuid] : [])),
    serviceId: event.serviceId,
    // An EHR profile may send the id in another form (epic: alphanumeric); the log always keeps the catalogue id.
    catalogueId: catalogueIdOfTopicCode(card.source.topic?.code) ?? card.source.topic?.code ?? null,
    indicator: card.indicator,
    contentVersion: event.contentVersion,
    hookInstance: event.hookInstance,
    issuer: event.issuer ?? null,
    tenant: event.tenant ?? null,
    patientHash,
    shownAt,
  }));
}

/** Stored comments are cut to this length (the request may carry up to 10,000 characters). */
const MAX_STORED_COMMENT = 2000;

export function feedbackRecords(
  event: CdsEventMap['feedback.received'],
  receivedAt: Date,
  keepUserComments: boolean,
  reasonsOf: (cardUuid: string, reasons: RawOverrideReason[]) => StoredOverrideReason[],
): FeedbackRecord[] {
  return event.items.map((item) => {
    const override = readOverride(item);
    const reasons = item.outcome === 'overridden' ? reasonsOf(item.card, override.reasons) : [];
    const firstCoded = reasons.find((r) => r.code !== null);
    return {
      cardUuid: item.card,
      outcome: item.outcome,
      serviceId: event.serviceId,
      acceptedSuggestionIds: (item.acceptedSuggestions ?? []).map((s) => s.id),
      overrideReasonCode: firstCoded?.code ?? null,
      overrideReasonSystem: firstCoded?.system ?? null,
      overrideReasons: reasons,
      userComment:
        keepUserComments && override.userComment ? override.userComment.slice(0, MAX_STORED_COMMENT) : null,
      outcomeAt: new Date(item.outcomeTimestamp),
      receivedAt,
      issuer: event.issuer ?? null,
      tenant: event.tenant ?? null,
    };
  });
}
