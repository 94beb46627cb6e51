/**
 * `npm run migrate`: apply the feedback store's schema migrations to the configured database (DATABASE_URL, or
 * the SQLite file) and exit. The service also migrates at start-up; this is for deploy pipelines.
 */
import { ConfigError, loadConfig } from '../src/config/index.js';
import { createFeedbackStore, describeStoreLocation } from '../src/store/create-store.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env).store;
  const store = createFeedbackStore(config);
  try {
    const applied = await store.migrate();
    process.stdout.write(
      `${describeStoreLocation(config)}: ${applied} migration(s) applied, schema up to date\n`,
    );
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : `migration failed: ${describeError(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

function describeError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'unknown error';
}
