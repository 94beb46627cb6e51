import type { HookName, Indicator } from '../protocol/types.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';
import type { CatalogueId } from '../clinical/findings.js';
import type { ChartLine } from './chart-summary.js';

/**
 * The contract between the preview page and its data. The demo patients are fixtures (`fixtures/`, outside
 * `src/`), not part of the service: the production image leaves them out, and the page loads them only when it is
 * enabled (see loadPreviewFixtures).
 */

/** The card a demo patient demonstrates on one hook. */
export interface ExpectedCard {
  hook: HookName;
  cardId: CatalogueId;
  indicator: Indicator;
}

/** A CDS Hooks request body as the page sends it (built by the fixtures, validated by the service). */
export interface PreviewHookRequest {
  hookInstance: string;
  hook: HookName;
  fhirServer?: string;
  context: Record<string, unknown>;
  prefetch?: Record<string, unknown>;
}

/** What `GET /preview/patients` returns: each demo patient with its chart summary and a ready request per hook. */
export interface PreviewPatient {
  id: string;
  name: string;
  story: string;
  expected: ExpectedCard[];
  chart: ChartLine[];
  draftOrder?: ChartLine;
  requests: Partial<Record<HookName, { serviceId: string; body: PreviewHookRequest }>>;
}

/** What the fixtures module gives the preview page. */
export interface PreviewFixtures {
  previewPatients(services: ServiceDefinition[], now: Date): PreviewPatient[];
}

/**
 * `fixtures/` sits next to `src/`: in the source tree (tsx, vitest) and in a local `npm run build` (dist/fixtures
 * next to dist/src). The specifier is computed so the TypeScript build never pulls the fixtures in through this
 * import; the image copies dist/src only, so there the module is absent.
 */
const FIXTURES_MODULE = new URL('../../fixtures/preview-patients.js', import.meta.url);

/** The demo fixtures, or undefined when this build does not contain them (the production image). */
export async function loadPreviewFixtures(): Promise<PreviewFixtures | undefined> {
  try {
    const loaded = (await import(FIXTURES_MODULE.href)) as { previewFixtures: PreviewFixtures };
    return loaded.previewFixtures;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
