import type { Env } from './env.js';
import type { CoreConfig } from './core.js';

/** Operations: metrics, shutdown, load shedding. Filled in by the operations work. */
export function parseOpsConfig(_env: Env, _core: CoreConfig) {
  return {};
}
