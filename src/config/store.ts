import type { Env } from './env.js';
import type { CoreConfig } from './core.js';

/** Card log and feedback store. Filled in by the feedback work. */
export function parseStoreConfig(_env: Env, _core: CoreConfig) {
  return {};
}
