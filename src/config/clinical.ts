import type { Env } from './env.js';

/** Clinical thresholds (knowledge.md section 4 defaults). Filled in by the clinical engine. */
export function parseClinicalConfig(_env: Env) {
  return {};
}
