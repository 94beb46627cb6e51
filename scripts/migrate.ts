/**
 * `npm run migrate`: apply the feedback store's schema migrations to the configured database (DATABASE_URL, or
 * the SQLite file) and exit. The service also migrates at start-up; this is for deploy pipelines.
 */
import { ConfigError, loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/observability/logger.js';
import { createFeedbackStore, describeStoreLocation } from '../src/store/create-store.js';

async function main(): Promise<void> {
  const settings = loadConfig(process.env);
  const config = settings.store;
  // The service's logger (LOG_LEVEL, PRETTY_LOGS, redaction), on stderr: stdout is the command's answer.
  const log = createLogger(settings, { destination: 2 });
  const store = createFeedbackStore(config, (err) =>
    log.warn({ code: (err as { code?: string }).code ?? 'unknown' }, 'feedback store connection lost'),
  );
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
