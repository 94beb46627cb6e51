import { parseCoreConfig } from './core.js';
import { parseClinicalConfig } from './clinical.js';
import { parseSecurityConfig } from './security.js';
import { parseOpsConfig } from './ops.js';
import { parseStoreConfig } from './store.js';
import { parsePreviewConfig } from './preview.js';
import { parseEhrConfig } from './ehr.js';
import type { Env } from './env.js';

export { ConfigError } from './env.js';

/**
 * The whole configuration, read once at start-up from the environment. Each concern owns its section
 * (core, clinical, security, ops, store) in its own file; every variable is documented in the README.
 */
export function loadConfig(env: Env = process.env) {
  const core = parseCoreConfig(env);
  return {
    ...core,
    clinical: parseClinicalConfig(env),
    security: parseSecurityConfig(env, core),
    ops: parseOpsConfig(env, core),
    store: parseStoreConfig(env, core),
    preview: parsePreviewConfig(env, core),
    ehr: parseEhrConfig(env),
  };
}

export type Config = ReturnType<typeof loadConfig>;
