import type { Env } from './env.js';
import type { CoreConfig } from './core.js';

/** The developer card-preview page. Filled in by the developer-experience work. */
export function parsePreviewConfig(_env: Env, _core: CoreConfig) {
  return {};
}
