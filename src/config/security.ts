import type { Env } from './env.js';
import type { CoreConfig } from './core.js';

/** Authentication and outbound-request security. Filled in by the security work. */
export function parseSecurityConfig(_env: Env, _core: CoreConfig) {
  return {};
}
