import type { Indicator } from '../../protocol/types.js';
import { addMonths, formatDay, wholeMonthsBetween } from '../dates.js';
import type { Finding } from '../findings.js';
import { capForText, indicatorRank, makeFinding, type RuleContext } from './common.js';
import type { DenosumabCourse } from './denosumab-course.js';
import { summariseEpisodes, type FractureEpisode } from './fracture-episodes.js';
import type { ReboundFracture } from './rebound.js';
import { dosesBetween } from './therapy.js';

/**
 * R7 recent / imminent-risk vertebral fracture (decision 11): onset within 12 months → VFX-RECENT (warning;
 * AACE 2020 very-high risk, Endocrine Society 2019 Rec 1.1); 12–24 months → VFX-IMMINENT (info; Johansson 2017,
 * Banefelt 2019). Sequelae, neoplastic and undated fractures give no card. Unconfirmed, "other site" and
 * text-only fractures give info only (R7, §2.3.1, §2.3.2).
 */
export function recentFracture(ctx: RuleContext, episodes: FractureEpisode[]): Finding | undefined {
  const { today, thresholds: t } = ctx;
  const recentFrom = addMonths(today, -t.recentFractureMonths);
  const imminentFrom = addMonths(today, -t.imminentFractureMonths);
  let best: { episode: FractureEpisode; id: 'VFX-RECENT' | 'VFX-IMMINENT'; indicator: Indicator } | undefined;
  for (const e of episodes) {
    if (e.sequela || e.kind === 'neoplastic' || e.day === undefined || e.day > today || e.day < imminentFrom)
      continue;
    const recent = e.day >= recentFrom;
    const lowConfidence = e.unconfirmed || e.kind === 'possible' || e.matchedByText;
    const indicator: Indicator = recent && !lowConfidence ? 'warning' : 'info';
    const id = recent ? 'VFX-RECENT' : 'VFX-IMMINENT';
    const better =
      !best ||
      indicatorRank(indicator) > indicatorRank(best.indicator) ||
      (indicator === best.indicator && (id === 'VFX-RECENT') > (best.id === 'VFX-RECENT')) ||
      (indicator === best.indicator && id === best.id && e.day > best.episode.day!);
    if (better) best = { episode: e, id, indicator };
  }
  if (!best) return undefined;
  const e = best.episode;
  const notes: string[] = [];
  if (e.unconfirmed)
    notes.push(
      'The fracture diagnosis is not confirmed (verification status unconfirmed/provisional/differential).',
    );
  if (e.kind === 'possible')
    notes.push(
      'Pathological fracture coded at an unspecified or "other" site: confirm that it is vertebral.',
    );
  if (e.dateSource === 'recorded')
    notes.push('No onset date: the date shown is when the diagnosis was recorded.');
  const facts = {
    fractureDate: formatDay(e.day!),
    monthsSinceFracture: wholeMonthsBetween(e.day!, today),
    fractureDescription: e.description,
    ...(e.dateSource ? { dateSource: e.dateSource } : {}),
  };
  return makeFinding(
    best.id,
    best.indicator,
    best.id === 'VFX-RECENT' ? { ...facts, fragility: isFragilityFracture(e) } : facts,
    e.evidence,
    today,
    { matchedByTextOnly: e.matchedByText, notes },
  );
}

/**
 * Decision 25: the AACE 2020 very-high-risk criterion is about fragility fractures. An episode counts as one when a
 * record is coded as osteoporotic (ICD-10-CM M80, or a SNOMED "osteoporotic … fracture/collapse" display) or its text
 * says low trauma / fragility; traumatic S-codes and bare "compression fracture" codes do not.
 */
const FRAGILITY_TEXT =
  /\bosteoporo|fragility|low[- ]?(?:trauma|energy)|insufficiency fracture|without (?:major )?trauma/i;
const M80_CODE = /^M80\.?\d/i;

function isFragilityFracture(e: FractureEpisode): boolean {
  return e.evidence.some((x) => FRAGILITY_TEXT.test(x.description)) || e.codes.some((c) => M80_CODE.test(c));
}

/**
 * R8 suspected rebound-associated vertebral fractures for the patient card: current (no denosumab re-dose since),
 * and not already treated with zoledronic acid after the fracture. Critical (potent antiresorptive promptly; avoid
 * vertebroplasty/kyphoplasty — seed 000, Lamy 2017, ECTS 2021). Decision 14: romosozumab started after the
 * fractures without zoledronate or denosumab → info, evidence is a 4-patient case series (seed 001).
 */
export function suspectedRebound(
  ctx: RuleContext,
  course: DenosumabCourse,
  rebound: ReboundFracture[],
): Finding | undefined {
  const { record, today } = ctx;
  const current = rebound.filter((r) => r.current);
  if (current.length === 0 || !course.last) return undefined;
  const first = current[0]!.episode.day!;
  if (dosesBetween(record, 'zoledronate', first - 1, today).length > 0) return undefined;
  const romosozumab = (record.byAgent.get('romosozumab') ?? []).some((m) => {
    const day = m.doseDay ?? m.startDay;
    return (
      day !== undefined &&
      day >= first &&
      day <= today &&
      (m.kind !== 'request' || m.active || m.status === 'completed')
    );
  });
  const last = course.last;
  const episodes = current.map((r) => r.episode);
  const textOnly = episodes.every((e) => e.matchedByText) || last.matchedByText;
  let indicator: Indicator = capForText('critical', textOnly);
  const notes: string[] = [];
  if (romosozumab) {
    indicator = 'info';
    notes.push(
      'Romosozumab was started after these fractures without zoledronic acid or denosumab; the evidence for romosozumab in rebound fractures is a 4-patient case series.',
    );
  }
  const levels = new Set(episodes.map((e) => e.level ?? e.description));
  return makeFinding(
    'RVFX-SUSPECTED',
    indicator,
    {
      lastDoseDate: formatDay(last.day),
      monthsSinceLastDose: wholeMonthsBetween(last.day, today),
      fractureCount: episodes.length,
      firstFractureDate: formatDay(first),
      fractureSummary: summariseEpisodes(episodes),
      multiple: episodes.length >= 2 || levels.size >= 2,
      ...(romosozumab ? { romosozumabOnly: true } : {}),
    },
    [last.evidence, ...episodes.flatMap((e) => e.evidence)],
    today,
    { matchedByTextOnly: textOnly, notes },
  );
}
