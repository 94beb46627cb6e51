import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root (the folder holding package.json), found by walking up from this file. The same code then
 * finds `hooks/`, `cards/` and `valuesets/` whether it runs from `src/` (tests, tsx) or `dist/src/` (production).
 */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const projectRoot = findProjectRoot();
export const projectPath = (...segments: string[]) => join(projectRoot, ...segments);
