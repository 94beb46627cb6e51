import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Coding, Indicator, Link, OverrideReason } from '../protocol/types.js';
import { CATALOGUE_IDS, type CatalogueId } from '../clinical/findings.js';
import {
  cardFileSchema,
  metaFileSchema,
  ordersFileSchema,
  overrideReasonsFileSchema,
  sourcesFileSchema,
  type CardFile,
  type Condition,
  type MetaFile,
  type OccurrenceDefinition,
} from './content-schema.js';
import {
  DATA_AVAILABILITY_FILE,
  loadUnavailableDataNotes,
  type UnavailableDataNotes,
} from './data-availability.js';
import { factSpecsFor } from './fact-specs.js';
import { compileOrder, type CompiledOrder } from './fhir-orders.js';
import {
  checkCondition,
  compileTemplate,
  TemplateError,
  type CompiledTemplate,
  type FactSpecMap,
} from './template.js';

/**
 * Reads the card content in cards/ once, validates it (zod schemas plus cross-file checks) and compiles it into
 * what the renderer needs per request, so rendering does no file access, parsing or lookup by name.
 */

const SUMMARY_LIMIT = 139;

export interface CompiledLine extends Condition {
  template: CompiledTemplate;
}

export interface CompiledAction {
  kind: 'create' | 'deleteDraftOrder' | 'stopRecord';
  description: string;
  /** stopRecord: the fact holding the `Type/id` of the order to stop. */
  recordFact?: string;
  order?: CompiledOrder;
  occurrence?: OccurrenceDefinition;
}

export interface CompiledSuggestion extends Condition {
  label: string;
  isRecommended: boolean;
  actions: CompiledAction[];
}

export interface CompiledCard {
  id: CatalogueId;
  title: string;
  hooks: CardFile['hooks'];
  trigger: string;
  indicator: Indicator;
  summary: CompiledLine[];
  detail: CompiledLine[];
  /** Markdown citations of the rule, in order (trusted content). */
  citations: string[];
  sourceShortNames: string[];
  source: { label: string; url?: string; topic: Coding };
  links: Link[];
  suggestions: CompiledSuggestion[];
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons: OverrideReason[];
}

export interface CardCatalogue {
  /** contentVersion from cards/_meta.json plus a hash of all content files, e.g. `1.0.0+3f2a9c1e`. */
  version: string;
  meta: MetaFile;
  cards: ReadonlyMap<CatalogueId, CompiledCard>;
  orders: ReadonlyMap<string, CompiledOrder>;
  /** "This EHR does not provide X" notes for the cards a missing kind of data could hide (data-availability.ts). */
  unavailableDataNotes: UnavailableDataNotes;
}

export class CardContentError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid card content:\n- ${problems.join('\n- ')}`);
    this.name = 'CardContentError';
  }
}

const SHARED_FILES = [
  '_meta.json',
  '_sources.json',
  '_override-reasons.json',
  '_orders.json',
  // Loaded by data-availability.ts.
  DATA_AVAILABILITY_FILE,
];

export function loadCardCatalogue(directory: string): CardCatalogue {
  const problems: string[] = [];
  const hash = createHash('sha256');

  function read<S extends z.ZodType>(file: string, schema: S): z.infer<S> | undefined {
    let raw: string;
    try {
      raw = readFileSync(join(directory, file), 'utf8');
    } catch {
      problems.push(`${file}: missing or unreadable`);
      return undefined;
    }
    hash.update(file).update('\0').update(raw).update('\0');
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      problems.push(`${file}: not valid JSON (${(error as Error).message})`);
      return undefined;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      return undefined;
    }
    return parsed.data;
  }

  const meta = read('_meta.json', metaFileSchema);
  const sources = read('_sources.json', sourcesFileSchema)?.sources ?? {};
  const reasons = read('_override-reasons.json', overrideReasonsFileSchema)?.reasons ?? {};
  const orderDefinitions = read('_orders.json', ordersFileSchema)?.orders ?? {};
  const orders = new Map(Object.entries(orderDefinitions).map(([key, def]) => [key, compileOrder(key, def)]));

  const files = readdirSync(directory)
    .filter((f) => f.endsWith('.json') && !SHARED_FILES.includes(f))
    .sort();
  const expected = new Set<string>(CATALOGUE_IDS);
  for (const file of files) {
    if (!expected.has(file.replace(/\.json$/, '')))
      problems.push(`${file}: not a catalogue id (expected one of ${CATALOGUE_IDS.join(', ')})`);
  }
  const cards = new Map<CatalogueId, CompiledCard>();
  for (const id of CATALOGUE_IDS) {
    const file = `${id}.json`;
    if (!files.includes(file)) {
      problems.push(`${file}: missing (every catalogue id needs a content file)`);
      continue;
    }
    const content = read(file, cardFileSchema);
    if (content === undefined || meta === undefined) continue;
    if (content.id !== id) {
      problems.push(`${file}: "id" is ${content.id}, expected ${id}`);
      continue;
    }
    try {
      cards.set(id, compileCard(content, meta, sources, reasons, orders, problems));
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      problems.push(`${file}: ${error.message}`);
    }
  }
  if (problems.length > 0 || meta === undefined) throw new CardContentError(problems);
  return {
    version: `${meta.contentVersion}+${hash.digest('hex').slice(0, 8)}`,
    meta,
    cards,
    orders,
    unavailableDataNotes: loadUnavailableDataNotes(join(directory, DATA_AVAILABILITY_FILE)),
  };
}

function compileCard(
  content: CardFile,
  meta: MetaFile,
  sources: z.infer<typeof sourcesFileSchema>['sources'],
  reasons: Record<string, string>,
  orders: ReadonlyMap<string, CompiledOrder>,
  problems: string[],
): CompiledCard {
  const file = `${content.id}.json`;
  const specs = factSpecsFor(content.id);

  const summaryVariants = typeof content.summary === 'string' ? [{ text: content.summary }] : content.summary;
  const summary = summaryVariants.map((variant, index) => {
    const line = compileLine(variant, specs);
    if (line.template.maxSummaryLength > SUMMARY_LIMIT) {
      problems.push(
        `${file}: summary[${index}] can reach ${line.template.maxSummaryLength} characters with the longest values (limit ${SUMMARY_LIMIT}); shorten the text`,
      );
    }
    return line;
  });
  const last = summaryVariants[summaryVariants.length - 1];
  if (last !== undefined && (last.if !== undefined || last.ifNot !== undefined)) {
    problems.push(`${file}: the last summary variant must have no condition (it is the fallback)`);
  }
  const detail = content.detail.map((line) =>
    compileLine(typeof line === 'string' ? { text: line } : line, specs),
  );

  const cited = content.sources.flatMap((key) => {
    const source = sources[key];
    if (source === undefined) problems.push(`${file}: unknown source "${key}" (not in _sources.json)`);
    return source === undefined ? [] : [{ key, ...source }];
  });
  const primary = sources[content.primarySource];

  const overrideReasons = content.overrideReasons.flatMap((key) => {
    const display = reasons[key];
    if (display === undefined)
      problems.push(`${file}: unknown override reason "${key}" (not in _override-reasons.json)`);
    return display === undefined ? [] : [{ system: meta.overrideReasonSystem, code: key, display }];
  });

  const suggestions = (content.suggestions ?? []).map((suggestion) => {
    checkCondition(suggestion, specs);
    const actions = suggestion.actions.map((action): CompiledAction => {
      if ('deleteDraftOrder' in action) return { kind: 'deleteDraftOrder', description: action.description };
      if ('stopRecord' in action) {
        if (specs[action.stopRecord]?.kind !== 'text')
          problems.push(`${file}: stopRecord "${action.stopRecord}" is not a text fact of this card`);
        return { kind: 'stopRecord', description: action.description, recordFact: action.stopRecord };
      }
      const order = orders.get(action.create);
      if (order === undefined)
        problems.push(`${file}: unknown order "${action.create}" (not in _orders.json)`);
      if (
        action.occurrence !== undefined &&
        action.occurrence.from !== 'today' &&
        action.occurrence.from !== 'infusion'
      ) {
        const spec = specs[action.occurrence.from];
        if (spec?.kind !== 'date')
          problems.push(`${file}: occurrence.from "${action.occurrence.from}" is not a date fact`);
      }
      const compiled: CompiledAction = {
        kind: 'create',
        description: action.description ?? order?.description ?? action.create,
      };
      if (order !== undefined) compiled.order = order;
      if (action.occurrence !== undefined) compiled.occurrence = action.occurrence;
      return compiled;
    });
    const { if: ifFact, ifNot, equals, notEquals } = suggestion;
    return {
      if: ifFact,
      ifNot,
      equals,
      notEquals,
      label: suggestion.label,
      isRecommended: suggestion.isRecommended === true,
      actions,
    };
  });

  const card: CompiledCard = {
    id: content.id,
    title: content.title,
    hooks: content.hooks,
    trigger: content.trigger,
    indicator: content.indicator,
    summary,
    detail,
    citations: cited.map((s) => s.citation),
    sourceShortNames: cited.map((s) => s.shortName),
    source: {
      label: primary === undefined ? meta.sourceLabel : `${meta.sourceLabel} · ${primary.shortName}`,
      topic: { system: meta.catalogueSystem, code: content.id, display: content.title },
    },
    links: cited.flatMap((s) =>
      s.url === undefined
        ? []
        : [{ label: s.linkLabel ?? s.shortName, url: s.url, type: 'absolute' as const }],
    ),
    suggestions,
    overrideReasons,
  };
  // source.url: the primary guideline, else the first cited source that has a page.
  const sourceUrl = primary?.url ?? cited.find((s) => s.url !== undefined)?.url;
  if (sourceUrl !== undefined) card.source.url = sourceUrl;
  if (content.selectionBehavior !== undefined) card.selectionBehavior = content.selectionBehavior;
  return card;
}

function compileLine(line: Condition & { text: string }, specs: FactSpecMap): CompiledLine {
  checkCondition(line, specs);
  const guarded = new Set(line.if === undefined ? [] : [line.if]);
  const { if: ifFact, ifNot, equals, notEquals } = line;
  return { if: ifFact, ifNot, equals, notEquals, template: compileTemplate(line.text, specs, guarded) };
}
