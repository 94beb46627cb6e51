import { z } from 'zod';
import { envBool, parseSection, type Env } from './env.js';
import type { CoreConfig } from './core.js';

/**
 * The developer card-preview page (`GET /preview`). It shows synthetic demo patients only, but it is a developer
 * tool: on by default outside production, off in production unless PREVIEW_ENABLED=true. `requested` says the
 * operator asked for it explicitly, so a build without the demo fixtures refuses to start instead of quietly
 * serving no page.
 */
export function parsePreviewConfig(env: Env, core: CoreConfig) {
  const raw = parseSection(z.object({ PREVIEW_ENABLED: envBool(!core.isProduction) }), env);
  return {
    enabled: raw.PREVIEW_ENABLED,
    requested: raw.PREVIEW_ENABLED && env.PREVIEW_ENABLED !== undefined,
  };
}
