/**
 * Schema migrations, in order, for both backends. A migration is never edited once released: add a new one.
 * SQLite keeps times as integer milliseconds since the epoch (it has no time type); PostgreSQL uses timestamptz.
 * `{schema}` in the PostgreSQL text is replaced with the quoted schema name.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'card log and feedback',
    sqlite: `
      CREATE TABLE card_log (
        card_uuid        TEXT PRIMARY KEY,
        suggestion_uuids TEXT NOT NULL,
        service_id       TEXT NOT NULL,
        catalogue_id     TEXT,
        indicator        TEXT NOT NULL,
        content_version  TEXT NOT NULL,
        hook_instance    TEXT NOT NULL,
        issuer           TEXT,
        tenant           TEXT,
        patient_hash     TEXT NOT NULL,
        shown_at         INTEGER NOT NULL
      );
      CREATE INDEX card_log_shown_at ON card_log (shown_at);
      CREATE TABLE card_feedback (
        card_uuid               TEXT NOT NULL,
        outcome                 TEXT NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
        service_id              TEXT NOT NULL,
        accepted_suggestion_ids TEXT NOT NULL,
        override_reason_code    TEXT,
        override_reason_system  TEXT,
        user_comment            TEXT,
        outcome_at              INTEGER NOT NULL,
        received_at             INTEGER NOT NULL,
        issuer                  TEXT,
        tenant                  TEXT,
        PRIMARY KEY (card_uuid, outcome)
      );
      CREATE INDEX card_feedback_received_at ON card_feedback (received_at);
    `,
    postgres: `
      CREATE TABLE {schema}.card_log (
        card_uuid        text PRIMARY KEY,
        suggestion_uuids jsonb NOT NULL,
        service_id       text NOT NULL,
        catalogue_id     text,
        indicator        text NOT NULL,
        content_version  text NOT NULL,
        hook_instance    text NOT NULL,
        issuer           text,
        tenant           text,
        patient_hash     text NOT NULL,
        shown_at         timestamptz NOT NULL
      );
      CREATE INDEX card_log_shown_at ON {schema}.card_log (shown_at);
      CREATE TABLE {schema}.card_feedback (
        card_uuid               text NOT NULL,
        outcome                 text NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
        service_id              text NOT NULL,
        accepted_suggestion_ids jsonb NOT NULL,
        override_reason_code    text,
        override_reason_system  text,
        user_comment            text,
        outcome_at              timestamptz NOT NULL,
        received_at             timestamptz NOT NULL,
        issuer                  text,
        tenant                  text,
        PRIMARY KEY (card_uuid, outcome)
      );
      CREATE INDEX card_feedback_received_at ON {schema}.card_feedback (received_at);
    `,
  },
  {
    version: 2,
    name: 'every override reason of a feedback item',
    sqlite: `ALTER TABLE card_feedback ADD COLUMN override_reasons TEXT;`,
    postgres: `ALTER TABLE {schema}.card_feedback ADD COLUMN override_reasons jsonb;`,
  },
];
