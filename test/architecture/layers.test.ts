import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { layerViolations, sourceFiles } from './layers.js';

describe('import layers (docs/architecture.md)', () => {
  it('no file of src/ imports a higher layer, and every file is in a layer', () => {
    const files = sourceFiles(projectRoot);
    expect(files.length).toBeGreaterThan(100);
    expect(layerViolations(files)).toEqual([]);
  });

  it('catches a lower layer importing a higher one, in every import form', () => {
    const problems = layerViolations([
      { path: 'src/protocol/types.ts', text: "import { invokeHook } from '../service/invoke.js';" },
      { path: 'src/clinical/evaluator.ts', text: "export { createCardRenderer } from '../cards/render.js';" },
      { path: 'src/cards/render.ts', text: "const m = await import('../routes/invoke.js');" },
      { path: 'src/security/urls.ts', text: "import type { X } from '../plugins/app/security.js';" },
    ]);
    expect(problems).toEqual([
      'src/protocol/types.ts (protocol) imports src/service/invoke.ts (service, a higher layer)',
      'src/clinical/evaluator.ts (clinical) imports src/cards/render.ts (cards, a higher layer)',
      'src/cards/render.ts (cards) imports src/routes/invoke.ts (http, a higher layer)',
      'src/security/urls.ts (adapters) imports src/plugins/app/security.ts (http, a higher layer)',
    ]);
  });

  it('keeps the demo fixtures out of src/: a static import of fixtures/ is reported (the preview loads them at run time)', () => {
    expect(
      layerViolations([
        {
          path: 'src/preview/chart-summary.ts',
          text: "import { demoPatients } from '../../fixtures/demo-patients.js';",
        },
      ]),
    ).toEqual(['src/preview/chart-summary.ts imports fixtures/demo-patients.ts, which is in no layer']);
  });

  it('allows imports within a layer and downwards, and names files outside every layer', () => {
    expect(
      layerViolations([
        {
          path: 'src/service/invoke.ts',
          text: "import { x } from '../protocol/types.js';\nimport './engine.js';",
        },
        { path: 'src/routes/invoke.ts', text: "import { y } from '../service/invoke.js';" },
      ]),
    ).toEqual([]);
    expect(layerViolations([{ path: 'src/misc/thing.ts', text: '' }])).toEqual([
      'src/misc/thing.ts: not in any layer (add it to LAYERS in test/architecture/layers.ts)',
    ]);
  });
});
