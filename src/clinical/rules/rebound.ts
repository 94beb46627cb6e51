import { addMonths, type Day } from '../dates.js';
import type { RuleContext } from './common.js';
import type { DenosumabCourse, DoseEvent } from './denosumab-course.js';
import type { FractureEpisode } from './fracture-episodes.js';
import { activeOralBisphosphonateAfter, dosesBetween } from './therapy.js';

/**
 * R8 suspected rebound-associated vertebral fracture: a (confirmed, non-sequela, non-neoplastic, dated) vertebral
 * fracture with onset after t_due (t_prev + 6 months) and ≤ t_prev + 24 months of the last osteoporosis-regimen
 * denosumab dose before it (t_prev), with no mitigating therapy (R6) between that dose and the fracture.
 * Evaluated per fracture against the dose preceding it, so a rebound fracture stays one after re-treatment
 * (relevant to vertebral augmentation); `current` marks those whose preceding dose is still the last dose.
 */
export interface ReboundFracture {
  episode: FractureEpisode;
  dose: DoseEvent;
  current: boolean;
}

export function reboundFractures(
  ctx: RuleContext,
  course: DenosumabCourse,
  episodes: FractureEpisode[],
): ReboundFracture[] {
  const { record, thresholds } = ctx;
  const out: ReboundFracture[] = [];
  if (course.doses.length === 0) return out;
  for (const episode of episodes) {
    if (episode.kind !== 'vertebral' || episode.sequela || episode.unconfirmed || episode.day === undefined)
      continue;
    const onset: Day = episode.day;
    let dose: DoseEvent | undefined;
    for (const d of course.doses) if (d.day < onset) dose = d;
    if (!dose || dose.regimen !== 'osteoporosis') continue;
    const tDue = addMonths(dose.day, thresholds.doseIntervalMonths);
    if (onset <= tDue || onset > addMonths(dose.day, thresholds.lapseWindowMonths)) continue;
    // R6 mitigation between the dose and the fracture (a same-day infusion is read as a response to the fracture).
    if (dosesBetween(record, 'zoledronate', dose.day, onset - 1).length > 0) continue;
    if (activeOralBisphosphonateAfter(record, dose.day, onset)) continue;
    out.push({ episode, dose, current: dose.day === course.last!.day });
  }
  return out.sort((a, b) => a.episode.day! - b.episode.day!);
}
