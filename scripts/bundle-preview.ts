/**
 * `npm run build`'s second step: the preview page's browser code bundled into dist/preview/preview.js, which the
 * built service serves (src/preview/client-bundle.ts). Usage: `tsx scripts/bundle-preview.ts`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { projectPath, projectRoot } from '../src/paths.js';
import { PREVIEW_BUNDLE_OUTPUT, bundlePreviewClient } from '../src/preview/client-bundle.js';

const output = projectPath(PREVIEW_BUNDLE_OUTPUT);
await mkdir(dirname(output), { recursive: true });
await writeFile(output, await bundlePreviewClient(projectRoot));
