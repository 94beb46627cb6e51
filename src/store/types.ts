/**
 * What the card log and the feedback store keep, and the one interface both backends (SQLite, PostgreSQL)
 * implement. No record holds a patient id or any other PHI: the patient is a keyed hash, and the free-text
 * override comment is present only when the operator enabled it.
 */

/** One card returned by a hook call. */
export interface CardLogRecord {
  cardUuid: string;
  suggestionUuids: string[];
  serviceId: string;
  /** `card.source.topic.code`: the card catalogue entry that produced the card. */
  catalogueId: string | null;
  indicator: string;
  contentVersion: string;
  hookInstance: string;
  issuer: string | null;
  tenant: string | null;
  /** HMAC-SHA256 of the patient id with the configured secret (hex). */
  patientHash: string;
  shownAt: Date;
}

/** An override reason as stored: a code the policy admitted (store/override-reason-policy.ts), or uncoded (null). */
export interface StoredOverrideReason {
  code: string | null;
  system: string | null;
}

/** One feedback item; (cardUuid, outcome) is its identity, so repeated feedback is stored once. */
export interface FeedbackRecord {
  cardUuid: string;
  outcome: 'accepted' | 'overridden';
  serviceId: string;
  acceptedSuggestionIds: string[];
  /** The first coded reason (also in `overrideReasons`), for readers of the original columns. */
  overrideReasonCode: string | null;
  overrideReasonSystem: string | null;
  /** Every reason of the item, in every shape the client sent, as the policy kept it. */
  overrideReasons: StoredOverrideReason[];
  /** Only when FEEDBACK_STORE_USER_COMMENTS is on; otherwise always null. */
  userComment: string | null;
  outcomeAt: Date;
  receivedAt: Date;
  issuer: string | null;
  tenant: string | null;
}

/** Half-open time window [from, to) on the time a card was shown. */
export interface TimeWindow {
  from: Date;
  to: Date;
}

/** Cards shown per catalogue id and indicator. */
export interface ShownCount {
  catalogueId: string | null;
  indicator: string;
  shown: number;
}

/** One feedback row joined to the card it is about. */
export interface FeedbackFact {
  catalogueId: string | null;
  indicator: string;
  cardUuid: string;
  shownAt: Date;
  outcome: 'accepted' | 'overridden';
  overrideReasonCode: string | null;
  overrideReasonSystem: string | null;
  /** Every stored reason (rows written before migration 2 hold the code columns only). */
  overrideReasons: StoredOverrideReason[];
  outcomeAt: Date;
}

export interface AnalyticsFacts {
  shown: ShownCount[];
  feedback: FeedbackFact[];
  /** Feedback received in the window for cards that are not in the card log (lost write, other deployment). */
  unattributedFeedback: number;
}

export interface PurgeResult {
  cards: number;
  feedback: number;
}

export type StoreBackend = 'sqlite' | 'postgres';

export interface FeedbackStore {
  readonly backend: StoreBackend;
  /** Apply pending schema migrations; returns how many were applied. Safe to run from several replicas. */
  migrate(): Promise<number>;
  /** Insert a batch in one transaction; a card uuid already logged is ignored. */
  insertCards(records: CardLogRecord[]): Promise<void>;
  /** Insert a batch in one transaction; an existing (card, outcome) pair is ignored (idempotent feedback). */
  insertFeedback(records: FeedbackRecord[]): Promise<void>;
  /** True when the database accepts writes now. */
  ping(): Promise<boolean>;
  analyticsFacts(window: TimeWindow): Promise<AnalyticsFacts>;
  /**
   * Delete cards shown, and feedback received, before the cutoff (a record exactly at the cutoff is kept). Deletes in
   * batches of `batchSize` rows (default 5000), each its own short transaction, so a first purge of a large backlog
   * neither holds locks for long nor (SQLite) blocks the event loop, nor hits the statement timeout (PostgreSQL).
   */
  purgeOlderThan(cutoff: Date, options?: { batchSize?: number }): Promise<PurgeResult>;
  close(): Promise<void>;
}
