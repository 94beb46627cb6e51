import type { ServiceDefinition } from '../protocol/service-definitions.js';
import type { PreviewPatient } from './preview-types.js';

/**
 * The contract between the preview page and its data. The demo patients are fixtures (`fixtures/`, outside
 * `src/`), not part of the service: the production image leaves them out, and the page loads them only when it is
 * enabled (see loadPreviewFixtures).
 */

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
