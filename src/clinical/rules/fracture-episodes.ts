import { formatDay, type Day } from '../dates.js';
import type { Evidence } from '../findings.js';
import type { ConditionRecord, FractureKind, PatientRecord } from '../record/types.js';
import { evidenceOf } from './common.js';

/**
 * Vertebral fractures as clinical episodes (R7, R8): Condition records of the same fracture (a subsequent-encounter
 * code D/G/K/P of the same ICD-10-CM stem, the same vertebral level, or an exact duplicate) are merged and keep the
 * earliest onset. Sequelae (7th character S) are history only: never recent, never rebound.
 */
export interface FractureEpisode {
  day?: Day;
  dateSource?: 'onset' | 'recorded';
  kind: FractureKind;
  level?: string;
  sequela: boolean;
  unconfirmed: boolean;
  /** Every record of the episode was recognised by free text only. */
  matchedByText: boolean;
  description: string;
  evidence: Evidence[];
  /** The codes that matched, as written (decision 25 reads M80 codes). */
  codes: string[];
}

function describe(c: ConditionRecord): string {
  const f = c.vertebralFracture!;
  const level = f.level ? ` ${f.level}` : '';
  const code = f.code ? ` (${f.code})` : '';
  const base = c.display && c.display !== f.code ? c.display : 'Vertebral fracture';
  if (base.includes(f.code ?? '\u0000')) return `${base}${level && !base.includes(f.level!) ? level : ''}`;
  return `${base}${level && !base.includes(f.level!) ? level : ''}${code}`;
}

const episodeKey = (c: ConditionRecord): string | undefined => {
  const f = c.vertebralFracture!;
  if (f.level && !f.level.includes(',')) return `level:${f.level}`;
  if (f.stem) return `stem:${f.stem}`;
  return undefined;
};

/**
 * Episodes by (day, evidence description), for the exact-duplicate merge: a lookup instead of a scan of every
 * earlier episode (the scan was quadratic: 7,000 text-coded fracture Conditions took 4–8 s, issue 11). The first
 * episode created wins, as the scan's `find` did; an entry left under a day the episode no longer has is skipped.
 */
class DuplicateIndex {
  private readonly byDayAndDescription = new Map<string, FractureEpisode[]>();
  private readonly descriptions = new Map<FractureEpisode, Set<string>>();
  private readonly created = new Map<FractureEpisode, number>();

  add(episode: FractureEpisode, description: string): void {
    if (!this.created.has(episode)) this.created.set(episode, this.created.size);
    let own = this.descriptions.get(episode);
    if (!own) this.descriptions.set(episode, (own = new Set()));
    if (own.has(description)) return;
    own.add(description);
    this.put(episode, description);
  }

  /** The episode's day changed: it is now found under the new day too. */
  moved(episode: FractureEpisode): void {
    for (const description of this.descriptions.get(episode) ?? []) this.put(episode, description);
  }

  find(day: Day, description: string): FractureEpisode | undefined {
    return this.byDayAndDescription.get(`${day}\u0000${description}`)?.find((e) => e.day === day);
  }

  private put(episode: FractureEpisode, description: string): void {
    if (episode.sequela || episode.day === undefined) return;
    const key = `${episode.day}\u0000${description}`;
    const list = this.byDayAndDescription.get(key);
    if (!list) {
      this.byDayAndDescription.set(key, [episode]);
      return;
    }
    if (list.includes(episode)) return;
    // Keep creation order, so that `find` returns the earliest episode as the scan did.
    const order = this.created.get(episode)!;
    let at = list.length;
    while (at > 0 && this.created.get(list[at - 1]!)! > order) at--;
    list.splice(at, 0, episode);
  }
}

export function fractureEpisodes(record: PatientRecord): FractureEpisode[] {
  const episodes: FractureEpisode[] = [];
  const byKey = new Map<string, FractureEpisode>();
  const duplicates = new DuplicateIndex();
  // Initial encounters first so subsequent-encounter records merge into them.
  const order = { initial: 0, unspecified: 1, subsequent: 2, sequela: 3 } as const;
  const sorted = [...record.fractures].sort(
    (a, b) =>
      order[a.vertebralFracture!.encounter] - order[b.vertebralFracture!.encounter] ||
      (a.day ?? Infinity) - (b.day ?? Infinity),
  );
  for (const c of sorted) {
    const f = c.vertebralFracture!;
    const sequela = f.encounter === 'sequela';
    const description = describe(c);
    const ev = evidenceOf(
      'Condition',
      `${description}${c.verification === 'unconfirmed' ? ' — unconfirmed' : ''}${sequela ? ' — sequela' : ''}`,
      {
        reference: c.reference,
        day: c.day,
        matchedByText: f.matchedByText,
      },
    );
    const key = sequela ? undefined : episodeKey(c);
    const same = key ? byKey.get(key) : undefined;
    const duplicate =
      same ?? (sequela || c.day === undefined ? undefined : duplicates.find(c.day, ev.description));
    if (duplicate) {
      duplicate.evidence.push(ev);
      duplicates.add(duplicate, ev.description);
      if (f.code) duplicate.codes.push(f.code);
      if (c.day !== undefined && (duplicate.day === undefined || c.day < duplicate.day)) {
        duplicate.day = c.day;
        duplicate.dateSource = c.dateSource!;
        duplicates.moved(duplicate);
      }
      if (!f.matchedByText) duplicate.matchedByText = false;
      if (c.verification === 'confirmed') duplicate.unconfirmed = false;
      continue;
    }
    // One literal with every field (undefined when absent) rather than conditional spreads: every episode gets the
    // same hidden class, and thousands of them (issue 11) stay on V8's fast path.
    const episode: FractureEpisode = {
      day: c.day,
      dateSource: c.day !== undefined ? c.dateSource! : undefined,
      kind: f.kind,
      level: f.level || undefined,
      sequela,
      unconfirmed: c.verification === 'unconfirmed',
      matchedByText: f.matchedByText,
      description,
      evidence: [ev],
      codes: f.code ? [f.code] : [],
    };
    episodes.push(episode);
    duplicates.add(episode, ev.description);
    if (key) byKey.set(key, episode);
  }
  return episodes;
}

export const summariseEpisodes = (episodes: FractureEpisode[]) =>
  episodes
    .map(
      (e) =>
        `${e.description}${e.day !== undefined ? ` ${e.dateSource === 'recorded' ? 'recorded' : 'onset'} ${formatDay(e.day)}` : ''}`,
    )
    .join('; ');
