import { z } from 'zod';
import { parseSection, type Env } from './env.js';
import { RESPONSE_PROFILES } from '../ehr/profile-names.js';

const schema = z.object({
  CDS_RESPONSE_PROFILE: z.enum(RESPONSE_PROFILES).optional().default('hl7'),
  SITE_ORDER_MAPPING: z.string().min(1).optional(),
});

/**
 * What the service sends to each EHR (issue 15): the default response profile (a trusted issuer's own `profile`
 * wins) and the optional site order mapping file (read, validated and compiled when the app starts).
 */
export function parseEhrConfig(env: Env) {
  const raw = parseSection(schema, env);
  return { defaultProfile: raw.CDS_RESPONSE_PROFILE, siteMappingPath: raw.SITE_ORDER_MAPPING };
}
