import fp from 'fastify-plugin';
import analyticsRoutes from '../../routes/analytics.js';
import { createFeedbackStore, describeStoreLocation } from '../../store/create-store.js';
import { createPatientHasher, type PatientHasher } from '../../store/patient-hash.js';
import { resolvePatientHashSecret } from '../../store/patient-hash-secret.js';
import type { CardCatalogue } from '../../cards/loader.js';
import { createOverrideReasonPolicy, RecentCards } from '../../store/override-reason-policy.js';
import { cardRecords, feedbackRecords } from '../../store/records.js';
import { purgeExpired } from '../../store/retention.js';
import type { FeedbackStore, PurgeResult } from '../../store/types.js';
import { WriteQueue } from '../../store/write-queue.js';

export interface FeedbackStoreHandle {
  store: FeedbackStore;
  queue: WriteQueue;
  hashPatient: PatientHasher;
  /** Apply the retention policy now (no-op returning zeros when FEEDBACK_RETENTION_DAYS is 0). */
  purge(): Promise<PurgeResult>;
}

declare module 'fastify' {
  interface FastifyInstance {
    feedbackStore: FeedbackStoreHandle;
  }
}

/**
 * Card log, feedback store and analytics. Hook and feedback events only enqueue records; the write queue puts
 * them in the database in batches, so a slow or absent database never delays a hook response.
 */
export interface FeedbackStoreOptions {
  /** The card catalogue the app was built with: each card's own override reasons, for checks and analytics. */
  catalogue: CardCatalogue;
}

export default fp<FeedbackStoreOptions>(
  async (app, { catalogue }) => {
    const config = app.config.store;
    const secret = resolvePatientHashSecret(config.patientHashSecret, config.sqlitePath);
    if (secret.source !== 'environment' && app.config.nodeEnv !== 'test') {
      app.log.warn(
        { source: secret.source, ...(secret.file ? { file: secret.file } : {}) },
        'PATIENT_HASH_SECRET is not set: using a local secret (set it in production and keep it stable)',
      );
    }
    const hashPatient = createPatientHasher(secret.secret);
    const store = createFeedbackStore(config, (err) =>
      app.log.warn({ code: (err as { code?: string }).code ?? 'unknown' }, 'feedback store connection lost'),
    );
    app.log.info({ store: describeStoreLocation(config) }, 'feedback store');

    // Migrations run at start-up; if the database is down they are retried before the next write.
    let schemaReady: Promise<void> | undefined;
    const ensureSchema = (): Promise<void> => {
      schemaReady ??= store.migrate().then(
        (applied) => {
          if (applied > 0) app.log.info({ applied }, 'feedback store migrations applied');
        },
        (err: unknown) => {
          schemaReady = undefined;
          throw err;
        },
      );
      return schemaReady;
    };
    try {
      await ensureSchema();
    } catch (err) {
      app.log.error(
        { code: (err as { code?: string }).code ?? 'unknown' },
        'feedback store migrations failed; will retry',
      );
    }

    const queue = new WriteQueue({
      store,
      ...config.queue,
      prepare: ensureSchema,
      onWrite: (kind, outcome, count) => app.cdsEvents.emit('store.write', { kind, outcome, count }),
      onProblem: (message, details) => app.log.warn(details, message),
    });
    queue.start();

    // Override reason codes are limited to the card's own (issue 11): the cards this process returned are
    // remembered (bounded) so that feedback on them is checked against their catalogue entry.
    const recentCards = new RecentCards();
    const reasonPolicy = createOverrideReasonPolicy(catalogue);
    app.cdsEvents.on('hook.completed', (event) => {
      const records = cardRecords(event, hashPatient, app.clock());
      for (const r of records) if (r.catalogueId) recentCards.remember(r.cardUuid, r.catalogueId);
      queue.enqueueCards(records);
    });
    app.cdsEvents.on('feedback.received', (event) =>
      queue.enqueueFeedback(
        feedbackRecords(event, app.clock(), config.storeUserComments, (cardUuid, reasons) =>
          reasonPolicy(recentCards.catalogueIdOf(cardUuid), reasons),
        ),
      ),
    );

    // Ready once the schema is in place; a later outage does not take the service out of rotation, because
    // hooks keep answering and the queue absorbs (or counts the loss of) the writes.
    app.readiness.checks.set('store', () =>
      ensureSchema().then(
        () => true,
        () => false,
      ),
    );

    const purge = async (): Promise<PurgeResult> => {
      if (config.retentionDays === 0) return { cards: 0, feedback: 0 };
      await ensureSchema();
      const result = await purgeExpired(store, config.retentionDays, app.clock());
      if (result.cards + result.feedback > 0) app.log.info({ ...result }, 'feedback store retention purge');
      return result;
    };
    let purgeTimer: NodeJS.Timeout | undefined;
    if (config.retentionDays > 0) {
      const runPurge = () =>
        void purge().catch((err: unknown) =>
          app.log.warn({ code: (err as { code?: string }).code ?? 'unknown' }, 'retention purge failed'),
        );
      app.addHook('onReady', async () => runPurge());
      purgeTimer = setInterval(runPurge, config.purgeIntervalMs);
      purgeTimer.unref();
    }

    app.decorate('feedbackStore', { store, queue, hashPatient, purge });

    if (config.analyticsAdminToken) {
      await app.register(analyticsRoutes, {
        store,
        adminToken: config.analyticsAdminToken,
        catalogue,
      });
    }

    app.addHook('onClose', async () => {
      if (purgeTimer) clearInterval(purgeTimer);
      // The drain shares the process's shutdown deadline: what cannot be written in time is logged and counted
      // as dropped by the queue instead of being lost silently when the deadline kills the process.
      const deadline = app.readiness.shutdownDeadline;
      const budget =
        deadline === undefined
          ? config.queue.shutdownDrainMs
          : Math.max(0, Math.min(config.queue.shutdownDrainMs, deadline - Date.now()));
      await queue.close(budget);
      await store.close();
    });
  },
  { name: 'feedback-store', dependencies: ['health'] },
);
