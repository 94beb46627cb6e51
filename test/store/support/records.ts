import { randomUUID } from 'node:crypto';
import type { CardLogRecord, FeedbackRecord } from '../../../src/store/types.js';

/** A minimal card-log record with a fresh card uuid and hook instance, shown at `shownAt`. */
export const cardRecord = (shownAt: Date): CardLogRecord => ({
  cardUuid: randomUUID(),
  suggestionUuids: [],
  serviceId: 's',
  catalogueId: 'X',
  indicator: 'info',
  contentVersion: '1',
  hookInstance: randomUUID(),
  issuer: null,
  tenant: null,
  patientHash: 'h',
  shownAt,
});

/** A minimal accepted-feedback record for a fresh card uuid, received (and decided) at `receivedAt`. */
export const feedbackRecord = (receivedAt: Date): FeedbackRecord => ({
  cardUuid: randomUUID(),
  outcome: 'accepted',
  serviceId: 's',
  acceptedSuggestionIds: [],
  overrideReasonCode: null,
  overrideReasonSystem: null,
  overrideReasons: [],
  userComment: null,
  outcomeAt: receivedAt,
  receivedAt,
  issuer: null,
  tenant: null,
});
