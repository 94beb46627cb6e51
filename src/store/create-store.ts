import type { StoreConfig } from '../config/store.js';
import { PostgresFeedbackStore } from './postgres-store.js';
import { SqliteFeedbackStore } from './sqlite-store.js';
import type { FeedbackStore } from './types.js';

/** The backend the configuration asks for: PostgreSQL when DATABASE_URL is set, otherwise the SQLite file. */
export function createFeedbackStore(
  config: Pick<StoreConfig, 'databaseUrl' | 'databaseSchema' | 'sqlitePath'>,
  onIdleError?: (err: Error) => void,
): FeedbackStore {
  if (config.databaseUrl) {
    return new PostgresFeedbackStore({
      connectionString: config.databaseUrl,
      schema: config.databaseSchema,
      ...(onIdleError ? { onIdleError } : {}),
    });
  }
  return new SqliteFeedbackStore(config.sqlitePath);
}

/** Where the data lives, for logs and the report header: never the connection string (it may hold a password). */
export function describeStoreLocation(
  config: Pick<StoreConfig, 'databaseUrl' | 'databaseSchema' | 'sqlitePath'>,
) {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    return `postgres ${url.hostname}:${url.port || '5432'}${url.pathname} schema ${config.databaseSchema}`;
  }
  return `sqlite ${config.sqlitePath}`;
}
