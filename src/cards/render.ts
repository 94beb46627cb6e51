import type { Card, HookName } from '../cds-hooks/types.js';
import type { Finding } from '../clinical/findings.js';

export interface RenderContext {
  patientId: string;
  now: Date;
  hook: HookName;
}

/** Turn findings into CDS cards using the content in cards/. Placeholder until the card renderer lands. */
export function renderCards(_findings: Finding[], _ctx: RenderContext): Card[] {
  return [];
}
