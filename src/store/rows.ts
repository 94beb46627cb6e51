import type { CardLogRecord, FeedbackFact, FeedbackRecord, StoredOverrideReason } from './types.js';

/**
 * Record ↔ row mapping shared by the backends. They differ only in how a point in time is stored: SQLite keeps
 * epoch milliseconds, PostgreSQL a timestamptz (a `Date` through `pg`), so each passes its own conversion.
 */

/** The `card_log` columns written by `insertCards`, in the order of {@link cardRow}. */
export const CARD_COLUMNS = [
  'card_uuid',
  'suggestion_uuids',
  'service_id',
  'catalogue_id',
  'indicator',
  'content_version',
  'hook_instance',
  'issuer',
  'tenant',
  'patient_hash',
  'shown_at',
] as const;

/** The `card_feedback` columns written by `insertFeedback`, in the order of {@link feedbackRow}. */
export const FEEDBACK_COLUMNS = [
  'card_uuid',
  'outcome',
  'service_id',
  'accepted_suggestion_ids',
  'override_reason_code',
  'override_reason_system',
  'override_reasons',
  'user_comment',
  'outcome_at',
  'received_at',
  'issuer',
  'tenant',
] as const;

export function cardRow<T>(r: CardLogRecord, storeTime: (at: Date) => T): unknown[] {
  return [
    r.cardUuid,
    JSON.stringify(r.suggestionUuids),
    r.serviceId,
    r.catalogueId,
    r.indicator,
    r.contentVersion,
    r.hookInstance,
    r.issuer,
    r.tenant,
    r.patientHash,
    storeTime(r.shownAt),
  ];
}

export function feedbackRow<T>(r: FeedbackRecord, storeTime: (at: Date) => T): unknown[] {
  return [
    r.cardUuid,
    r.outcome,
    r.serviceId,
    JSON.stringify(r.acceptedSuggestionIds),
    r.overrideReasonCode,
    r.overrideReasonSystem,
    JSON.stringify(r.overrideReasons),
    r.userComment,
    storeTime(r.outcomeAt),
    storeTime(r.receivedAt),
    r.issuer,
    r.tenant,
  ];
}

/** One row of the analytics join of `card_feedback` with `card_log`; `T` is the backend's stored time. */
export interface FeedbackFactRow<T> {
  catalogue_id: string | null;
  indicator: string;
  card_uuid: string;
  shown_at: T;
  outcome: 'accepted' | 'overridden';
  override_reason_code: string | null;
  override_reason_system: string | null;
  /** JSON text (SQLite) or already parsed (PostgreSQL jsonb); null for rows written before migration 2. */
  override_reasons: string | StoredOverrideReason[] | null;
  outcome_at: T;
}

export function toFeedbackFact<T>(row: FeedbackFactRow<T>, readTime: (stored: T) => Date): FeedbackFact {
  return {
    catalogueId: row.catalogue_id,
    indicator: row.indicator,
    cardUuid: row.card_uuid,
    shownAt: readTime(row.shown_at),
    outcome: row.outcome,
    overrideReasonCode: row.override_reason_code,
    overrideReasonSystem: row.override_reason_system,
    overrideReasons: storedReasons(row),
    outcomeAt: readTime(row.outcome_at),
  };
}

function storedReasons<T>(row: FeedbackFactRow<T>): StoredOverrideReason[] {
  const value =
    typeof row.override_reasons === 'string' ? safeJson(row.override_reasons) : row.override_reasons;
  if (Array.isArray(value))
    return value.map((r: Partial<StoredOverrideReason>) => ({
      code: typeof r.code === 'string' ? r.code : null,
      system: typeof r.system === 'string' ? r.system : null,
    }));
  return row.override_reason_code === null && row.override_reason_system === null
    ? []
    : [{ code: row.override_reason_code, system: row.override_reason_system }];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
