import { formatDay } from '../dates.js';
import type { Finding } from '../findings.js';
import { capForText, makeFinding, type RuleContext } from './common.js';
import type { DraftOrder } from './draft-orders.js';
import { summariseEpisodes } from './fracture-episodes.js';
import type { ReboundFracture } from './rebound.js';

/**
 * R8: vertebroplasty/kyphoplasty ordered in suspected rebound-associated vertebral fractures → critical
 * ("strongly contraindicated", seed 000; Lamy 2017; seed 002: new L3 fracture 3 weeks after PVP). Only in RVFx:
 * for ordinary osteoporotic fractures augmentation is an accepted option (seed 002 / 003), so no card there.
 */
export function augmentationInRebound(
  ctx: RuleContext,
  draft: DraftOrder,
  rebound: ReboundFracture[],
): Finding | undefined {
  if (!draft.augmentation || rebound.length === 0) return undefined;
  const episodes = rebound.map((r) => r.episode);
  const textOnly = episodes.every((e) => e.matchedByText) || rebound.every((r) => r.dose.matchedByText);
  const dose = rebound[rebound.length - 1]!.dose;
  return makeFinding(
    'ORDER-AUGMENT-RVFX',
    capForText('critical', textOnly),
    {
      orderName: draft.orderName,
      lastDoseDate: formatDay(dose.day),
      fractureCount: episodes.length,
      fractureSummary: summariseEpisodes(episodes),
    },
    [dose.evidence, ...episodes.flatMap((e) => e.evidence)],
    ctx.today,
    { matchedByTextOnly: textOnly, ...(draft.ref ? { draftOrderRef: draft.ref } : {}) },
  );
}
