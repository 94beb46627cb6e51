import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { ServiceDefinition } from '../../protocol/service-definitions.js';
import { previewHtml } from '../../preview/page/html.js';
import { previewCss } from '../../preview/page/styles.js';
import { previewClientScript } from '../../preview/client-bundle.js';
import { projectRoot } from '../../paths.js';
import { loadPreviewFixtures } from '../../preview/preview-data.js';

/**
 * The developer card-preview page: `GET /preview` (the page), its script and styles, and `GET /preview/patients`
 * (the demo patients, dated relative to the service's clock, with a ready hook request each). The page calls the
 * real `/cds-services/{id}` endpoints. Registered only when `config.preview.enabled`, and only where the demo
 * fixtures exist (the source tree, a local build): the production image has none, so there the page is off (with a
 * warning), or start-up fails when PREVIEW_ENABLED=true asked for it.
 */

/** Everything the page needs is same-origin; nothing may be framed, inlined or sent elsewhere. */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const preview: FastifyPluginAsync<{ services: ServiceDefinition[] }> = async (app, { services }) => {
  if (!app.config.preview.enabled) return;
  const fixtures = await loadPreviewFixtures();
  if (!fixtures) {
    const why =
      'this build has no demo fixtures (the production image leaves fixtures/ out): the preview page is a development tool, run it from the source tree (npm run dev) or a local npm run build';
    if (app.config.preview.requested) throw new Error(`PREVIEW_ENABLED=true, but ${why}`);
    app.log.warn(`preview page off: ${why}`);
    return;
  }

  const hidden = { schema: { hide: true } };

  app.get('/preview', hidden, async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(previewHtml),
  );

  app.get('/preview/preview.js', hidden, async (_request, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .send(await previewClientScript(projectRoot)),
  );

  app.get('/preview/preview.css', hidden, async (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .send(previewCss),
  );

  app.get('/preview/patients', hidden, async (_request, reply) => {
    const now = app.clock();
    return reply.header('cache-control', 'no-store').send({
      generatedFor: now.toISOString().slice(0, 10),
      patients: fixtures.previewPatients(services, now),
    });
  });
};

export default fp(preview, { name: 'preview' });
