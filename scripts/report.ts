/**
 * `npm run report`: card acceptance and override figures per catalogue id and indicator, as a table (or JSON).
 *
 *   npm run report                              last 30 days
 *   npm run report -- --days 7
 *   npm run report -- --from 2025-01-01 --to 2025-04-01
 *   npm run report -- --json
 *   npm run report -- --purge [--older-than-days N]   apply retention now (default FEEDBACK_RETENTION_DAYS)
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { formatAnalyticsTable } from '../src/analytics/format-table.js';
import { ownReasonCodesOf } from '../src/analytics/own-reason-codes.js';
import { escapeTerminalJson, stripTerminalControls } from '../src/analytics/terminal-text.js';
import { loadProjectKnowledge } from '../src/service/knowledge.js';
import { summarizeCards } from '../src/analytics/summarize.js';
import { resolveWindow, windowQuerySchema } from '../src/analytics/window.js';
import { createLogger } from '../src/observability/logger.js';
import { createFeedbackStore, describeStoreLocation } from '../src/store/create-store.js';
import { purgeExpired } from '../src/store/retention.js';

class UsageError extends Error {}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      days: { type: 'string' },
      json: { type: 'boolean', default: false },
      purge: { type: 'boolean', default: false },
      'older-than-days': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run report -- [--from ISO] [--to ISO] [--days N] [--json] | --purge [--older-than-days N]\n',
    );
    return;
  }
  const settings = loadConfig(process.env);
  const config = settings.store;
  const catalogue = loadProjectKnowledge().cards;
  // The service's logger (LOG_LEVEL, PRETTY_LOGS, redaction), on stderr: stdout is the report.
  const log = createLogger(settings, { destination: 2 });
  const store = createFeedbackStore(config, (err) =>
    log.warn({ code: (err as { code?: string }).code ?? 'unknown' }, 'feedback store connection lost'),
  );
  try {
    await store.migrate();
    if (values.purge) {
      const days =
        values['older-than-days'] !== undefined ? Number(values['older-than-days']) : config.retentionDays;
      if (!Number.isInteger(days) || days < 1) {
        throw new UsageError('--purge needs --older-than-days N (N >= 1) or FEEDBACK_RETENTION_DAYS');
      }
      const result = await purgeExpired(store, days, new Date());
      process.stdout.write(
        `${describeStoreLocation(config)}: purged ${result.cards} card(s) and ${result.feedback} feedback item(s) older than ${days} day(s)\n`,
      );
      return;
    }
    const query = windowQuerySchema.safeParse({ from: values.from, to: values.to, days: values.days });
    if (!query.success)
      throw new UsageError(`invalid window: ${query.error.issues[0]?.message ?? 'bad value'}`);
    const window = resolveWindow(query.data, new Date());
    if (window.from.getTime() >= window.to.getTime()) throw new UsageError('--from must be before --to');
    const analytics = summarizeCards(await store.analyticsFacts(window), window, ownReasonCodesOf(catalogue));
    // Stored values reach the operator's terminal: no control or bidi character gets through (issue 11).
    process.stdout.write(
      values.json
        ? escapeTerminalJson(JSON.stringify(analytics, null, 2)) + '\n'
        : `${stripTerminalControls(describeStoreLocation(config))}\n${formatAnalyticsTable(analytics)}`,
    );
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  const message =
    err instanceof ConfigError || err instanceof UsageError
      ? err.message
      : `report failed: ${describeError(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

function describeError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.message : 'unknown error';
}
