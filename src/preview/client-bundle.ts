import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/**
 * The preview page's browser code (src/preview/browser/, TypeScript with DOM types) as one script. `npm run build`
 * bundles it once into dist/preview/preview.js (scripts/bundle-preview.ts); running from the source tree (tsx,
 * vitest) there is no such file next to this module, so it is bundled on demand with esbuild, a development
 * dependency, fresh on every call so an edited page shows on reload. The production image has neither: the page
 * is off there (no demo fixtures).
 */

/** The entry point, relative to the project root. */
const PREVIEW_CLIENT_ENTRY = 'src/preview/browser/page.ts';

/** Where `npm run build` writes the bundle, relative to the project root. */
export const PREVIEW_BUNDLE_OUTPUT = 'dist/preview/preview.js';

/** One script for the browsers a developer uses; readable (not minified), so the page can be debugged. */
const PREVIEW_BUNDLE_OPTIONS = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'silent',
} as const satisfies BuildOptions;

/** dist/src/preview/client-bundle.js → dist/preview/preview.js; from src/ this names a file that never exists. */
const PREBUILT = new URL('../../preview/preview.js', import.meta.url);

/** Bundle the page script from its TypeScript sources (needs esbuild, a development dependency). */
export async function bundlePreviewClient(projectRoot: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    ...PREVIEW_BUNDLE_OPTIONS,
    absWorkingDir: projectRoot,
    entryPoints: [PREVIEW_CLIENT_ENTRY],
    write: false,
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no preview bundle');
  return output.text;
}

/** The page script: the prebuilt bundle of a build, else a fresh one from the sources. */
export async function previewClientScript(projectRoot: string): Promise<string> {
  try {
    return await readFile(fileURLToPath(PREBUILT), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  return bundlePreviewClient(projectRoot);
}
