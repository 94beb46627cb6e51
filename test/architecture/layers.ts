import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The layers of src/, lowest first (docs/architecture.md). A file may import its own layer and any layer below
 * it, never one above. The first matching prefix decides a file's layer; a file that matches none is reported,
 * so new code has to be placed deliberately.
 */
export const LAYERS: { name: string; paths: string[] }[] = [
  {
    name: 'foundation',
    // Errors, clock, paths, the undici loader; configuration parsing that needs nothing of the app.
    paths: [
      'src/errors.ts',
      'src/clock.ts',
      'src/paths.ts',
      'src/http/',
      'src/config/env.ts',
      'src/config/clinical.ts',
    ],
  },
  { name: 'protocol', paths: ['src/protocol/'] },
  { name: 'clinical', paths: ['src/clinical/'] },
  { name: 'cards', paths: ['src/cards/'] },
  { name: 'service', paths: ['src/service/', 'src/ehr/'] },
  {
    name: 'adapters',
    paths: [
      'src/config/',
      'src/security/',
      'src/store/',
      'src/observability/',
      'src/analytics/',
      'src/preview/',
      'src/logging/',
    ],
  },
  { name: 'http', paths: ['src/routes/', 'src/plugins/'] },
  { name: 'process', paths: ['src/app.ts', 'src/server.ts', 'src/server-options.ts'] },
];

export function layerOf(file: string): number | undefined {
  const index = LAYERS.findIndex((layer) =>
    layer.paths.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)),
  );
  return index === -1 ? undefined : index;
}

export interface SourceFile {
  /** Project-relative path with forward slashes, e.g. `src/protocol/types.ts`. */
  path: string;
  text: string;
}

/** Every import (static, dynamic, `export … from`) that goes up a layer, or from/to a file outside every layer. */
export function layerViolations(files: SourceFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    if (from === undefined) {
      problems.push(`${file.path}: not in any layer (add it to LAYERS in test/architecture/layers.ts)`);
      continue;
    }
    const { importedFiles } = ts.preProcessFile(file.text, true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = join(dirname(file.path), fileName).split('\\').join('/').replace(/\.js$/, '.ts');
      const to = layerOf(target);
      if (to === undefined) problems.push(`${file.path} imports ${target}, which is in no layer`);
      else if (to > from) {
        problems.push(
          `${file.path} (${LAYERS[from]!.name}) imports ${target} (${LAYERS[to]!.name}, a higher layer)`,
        );
      }
    }
  }
  return problems;
}

/** The TypeScript files under src/ of the project at `root`. */
export function sourceFiles(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        out.push({ path: relative(root, full).split('\\').join('/'), text: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(resolve(root, 'src'));
  return out;
}
