import type { FactKind, FactSpec } from './fact-specs.js';
import type { Condition } from './content-schema.js';
import { escapeMarkdownInline, escapePlainText, truncate, truncateWords } from './escape.js';

/**
 * A deliberately tiny template language: literal text with `{{factName}}` placeholders, nothing else (no code, no
 * helpers, no raw output). Templates are compiled once at start-up against the facts the rule produces; every
 * interpolated value is escaped for its target, and in summaries cut to a fixed length so the summary limit holds
 * by construction.
 */

export type FactSpecMap = Record<string, FactSpec>;
export type Facts = Readonly<Record<string, unknown>>;
export type Target = 'summary' | 'markdown';

type Segment = { literal: string } | { fact: string; kind: FactKind; summaryLength: number };

export interface CompiledTemplate {
  readonly facts: readonly string[];
  /** The longest the output can be when every value is cut to its summary length. */
  readonly maxSummaryLength: number;
  render(facts: Facts, target: Target): string;
}

/** Longest rendering of each kind of value in a summary (dates are ISO, numbers short, text cut). */
const SUMMARY_VALUE_LENGTH: Record<FactKind, number> = {
  date: 10,
  number: 8,
  enum: 16,
  boolean: 3,
  text: 40,
};
/** Longest rendering of a single value in the Markdown detail. */
const DETAIL_VALUE_LENGTH = 300;
const MISSING_VALUE = 'not recorded';

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, useGrouping: false });

export class TemplateError extends Error {}

export function compileTemplate(
  source: string,
  specs: FactSpecMap,
  guardedFacts: ReadonlySet<string>,
): CompiledTemplate {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    const spec = specs[name];
    if (spec === undefined)
      throw new TemplateError(`unknown fact {{${name}}} (allowed: ${Object.keys(specs).join(', ')})`);
    if (spec.optional && !guardedFacts.has(name)) {
      throw new TemplateError(`optional fact {{${name}}} used without "if": "${name}" on the same line`);
    }
    if (match.index > last) segments.push({ literal: source.slice(last, match.index) });
    segments.push({
      fact: name,
      kind: spec.kind,
      summaryLength: spec.summaryLength ?? SUMMARY_VALUE_LENGTH[spec.kind],
    });
    last = match.index + match[0].length;
  }
  if (last < source.length) segments.push({ literal: source.slice(last) });
  const leftover = segments.some(
    (s) => 'literal' in s && (s.literal.includes('{{') || s.literal.includes('}}')),
  );
  if (leftover) throw new TemplateError(`malformed placeholder in "${source}" (use {{factName}})`);

  const maxSummaryLength = segments.reduce(
    (sum, s) => sum + ('literal' in s ? Array.from(s.literal).length : s.summaryLength),
    0,
  );
  return {
    facts: segments.flatMap((s) => ('fact' in s ? [s.fact] : [])),
    maxSummaryLength,
    render(facts, target) {
      let out = '';
      for (const s of segments) out += 'literal' in s ? s.literal : formatValue(facts[s.fact], s, target);
      return out;
    },
  };
}

function formatValue(
  value: unknown,
  segment: { kind: FactKind; summaryLength: number },
  target: Target,
): string {
  const kind = segment.kind;
  const plain = plainValue(value, kind);
  if (target === 'summary') return truncateWords(escapePlainText(plain), segment.summaryLength);
  // Dates and numbers are produced by the rules in a fixed format and need no Markdown escaping; anything else might.
  if (kind === 'date' && ISO_DATE.test(plain)) return plain;
  if (kind === 'number' && typeof value === 'number') return plain;
  return escapeMarkdownInline(truncate(plain, DETAIL_VALUE_LENGTH));
}

function plainValue(value: unknown, kind: FactKind): string {
  if (value === undefined || value === null || value === '') return MISSING_VALUE;
  if (typeof value === 'number') return Number.isFinite(value) ? numberFormat.format(value) : MISSING_VALUE;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (
    kind === 'date' &&
    typeof value === 'string' &&
    value.length > 10 &&
    ISO_DATE.test(value.slice(0, 10))
  ) {
    return value.slice(0, 10);
  }
  return String(value);
}

/** Check a line condition against the facts: `if` = present (and not false), with optional equals / notEquals. */
export function conditionHolds(condition: Condition, facts: Facts): boolean {
  if (condition.if !== undefined) {
    const value = facts[condition.if];
    if (value === undefined || value === null || value === false || value === '') return false;
    if (condition.equals !== undefined && value !== condition.equals) return false;
    if (condition.notEquals !== undefined && value === condition.notEquals) return false;
  }
  if (condition.ifNot !== undefined) {
    const value = facts[condition.ifNot];
    if (!(value === undefined || value === null || value === false || value === '')) return false;
  }
  return true;
}

/** Check at load time that a condition names facts this card has. */
export function checkCondition(condition: Condition, specs: FactSpecMap): void {
  for (const name of [condition.if, condition.ifNot]) {
    if (name !== undefined && specs[name] === undefined)
      throw new TemplateError(`condition on unknown fact "${name}"`);
  }
  if ((condition.equals !== undefined || condition.notEquals !== undefined) && condition.if === undefined) {
    throw new TemplateError('"equals" / "notEquals" need "if"');
  }
}
