import fp from 'fastify-plugin';
import type { CallerIdentity, FhirServerPolicy } from '../../protocol/trust.js';
import { registerAuthentication } from '../../security/authenticate.js';
import { createFhirServerPolicy } from '../../security/fhir-server-policy.js';
import { registerRateLimit } from '../external/rate-limit.js';
import { MemoryReplayStore, RedisReplayStore, type ReplayStore } from '../../security/replay-store.js';
import { registerSecurityHeaders } from '../external/helmet.js';
import { replayBuckets } from '../../security/replay-quotas.js';
import { TokenVerifier } from '../../security/token-verifier.js';

declare module 'fastify' {
  interface FastifyInstance {
    fhirServerPolicy: FhirServerPolicy;
  }
  interface FastifyRequest {
    /** Who called, as established by authentication (absent when CDS_AUTH=off). */
    caller?: CallerIdentity;
    /** The verified issuer and configured tenant (authentication on): the rate-limit key and the jti quota. */
    callerBucket?: string;
  }
}

/**
 * Request security (issue 4): authentication of the calling EHR (CDS Hooks 2.0 JWT), the outbound fhirServer
 * policy, security headers and the optional rate limit. Registered before the CDS Hooks routes so that its
 * hooks apply to them. Details and every variable: docs/security.md.
 */
export default fp(
  async (app) => {
    const { security, isProduction } = app.config;
    const { auth } = security;

    await registerSecurityHeaders(app, isProduction);

    app.decorate(
      'fhirServerPolicy',
      createFhirServerPolicy({
        issuers: auth.issuers,
        allowlist: security.fhirServer.allowlist,
        allowPrivateNetwork: security.fhirServer.allowPrivateNetwork,
        allowHttpLoopback: security.fhirServer.allowHttpLoopback,
        allowHttpAllowlisted: security.fhirServer.allowHttpAllowlisted,
        requireHttps: security.fhirServer.requireHttps,
        log: app.log,
      }),
    );
    app.addHook('onClose', async () => {
      await app.fhirServerPolicy.close?.();
    });

    if (auth.trustSandbox) {
      app.log.warn(
        'CDS_TRUST_SANDBOX=true: tokens from https://sandbox.cds-hooks.org are trusted; its private key is public, so anyone can mint them (development only)',
      );
    }

    if (auth.mode === 'off') {
      app.log.warn(
        `CDS_AUTH=off${auth.modeDefaulted ? ' (default outside production)' : ''}: CDS Hooks calls are NOT authenticated; set CDS_AUTH=required with CDS_TRUSTED_ISSUERS and PUBLIC_BASE_URL`,
      );
    } else {
      const replayStore: ReplayStore = auth.redisUrl
        ? new RedisReplayStore(auth.redisUrl)
        : new MemoryReplayStore(auth.replayCacheMaxEntries);
      app.readiness.checks.set('jti-replay-store', () => replayStore.isHealthy());
      app.addHook('onClose', async () => replayStore.close());

      const verifier = new TokenVerifier({
        issuers: auth.issuers,
        algorithms: auth.algorithms,
        clockSkewSeconds: auth.clockSkewSeconds,
        maxLifetimeSeconds: auth.maxLifetimeSeconds,
        maxTokenBytes: auth.maxTokenBytes,
        jwks: {
          timeoutMs: auth.jwks.timeoutMs,
          maxBytes: auth.jwks.maxBytes,
          cooldownMs: auth.jwks.cooldownSeconds * 1000,
        },
      });
      // Config refuses CDS_AUTH=required without PUBLIC_BASE_URL, so it is set here.
      registerAuthentication(app, {
        verifier,
        publicBaseUrl: auth.publicBaseUrl!,
        replayStore,
        bucketOf: replayBuckets(auth.issuers, auth.replayCacheMaxEntries),
      });
      app.log.info(
        { issuers: auth.issuers.map((i) => i.iss), replayStore: auth.redisUrl ? 'redis' : 'memory' },
        'CDS_AUTH=required',
      );
    }

    // Endpoints outside CDS Hooks that CDS_AUTH does not cover: say so at start-up when the choice looks unintended.
    if (isProduction && app.config.ops.metrics.enabled && !app.config.ops.metrics.token) {
      app.log.warn(
        'METRICS_TOKEN is not set: GET /metrics is open to anyone who can reach the service (set METRICS_TOKEN, or METRICS_ENABLED=false, or keep /metrics off the public network)',
      );
    }
    if (auth.mode === 'required' && app.config.preview.enabled) {
      app.log.warn(
        'PREVIEW_ENABLED with CDS_AUTH=required: the /preview page has no EHR token, so its calls to /cds-services are refused (401); use the preview with CDS_AUTH=off in development',
      );
    }

    if (security.rateLimitPerMinute > 0) await registerRateLimit(app, security.rateLimitPerMinute);
  },
  { name: 'security', dependencies: ['health', 'request-log'] },
);
