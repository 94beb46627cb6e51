import { randomUUID } from 'node:crypto';
import type { Card, HookName } from '../cds-hooks/types.js';
import type { Finding } from '../clinical/findings.js';

export interface RenderContext {
  patientId: string;
  now: Date;
  hook: HookName;
}

const CATALOGUE_SYSTEM = 'urn:dmab-cds:card-catalogue';

/** First working version: one minimal card per finding. Full content from cards/ follows. */
export function renderCards(findings: Finding[], _ctx: RenderContext): Card[] {
  return findings.map((finding) => ({
    uuid: randomUUID(),
    summary: finding.id,
    indicator: finding.indicator,
    source: {
      label: 'Denosumab and vertebral fracture CDS',
      topic: { system: CATALOGUE_SYSTEM, code: finding.id, display: finding.id },
    },
  }));
}
