import { asNumber, asObject, asString, readQuantity } from './fhir-read.js';

/**
 * The value of a laboratory result as labs send it (issue #16 item 4): `valueQuantity` (with its `comparator`),
 * `valueInteger`, or a number written in `valueString` ("28", "<15", "> 90", "8,5", "28 mL/min/1.73m2").
 * A result without such a value has no usable value and is skipped by every lab check (observations.ts).
 */

export type Comparator = '<' | '<=' | '>' | '>=';

export interface LabValue {
  value: number;
  /** The true value is below / above `value` (valueQuantity.comparator or a "<15" string). */
  comparator?: Comparator;
  unit: string;
}

const COMPARATORS = new Set<string>(['<', '<=', '>', '>=']);
/** Longest valueString read as a number: a number with a comparator and a unit fits; prose does not. */
const MAX_VALUE_STRING = 40;

/**
 * A number at the start of `text` (after an optional comparator: <, <=, >, >=, ≤, ≥), then optional spaces and a
 * unit. Hand-written and linear; the text is capped first. Prose ("hemolyzed", "see comment") gives undefined.
 */
export function parseValueString(raw: string): LabValue | undefined {
  if (raw.length === 0 || raw.length > MAX_VALUE_STRING) return undefined;
  const text = raw.trim();
  let i = 0;
  let comparator: Comparator | undefined;
  const c0 = text[0];
  if (c0 === '≤' || c0 === '≥') {
    comparator = c0 === '≤' ? '<=' : '>=';
    i = 1;
  } else if (c0 === '<' || c0 === '>') {
    comparator = text[1] === '=' ? (`${c0}=` as Comparator) : (c0 as Comparator);
    i = text[1] === '=' ? 2 : 1;
  }
  while (text[i] === ' ') i++;
  const start = i;
  let digits = 0;
  let separator = '';
  let fractionDigits = 0;
  for (; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      digits++;
      if (separator) fractionDigits++;
    } else if ((text[i] === '.' || text[i] === ',') && !separator && digits > 0) separator = text[i]!;
    else break;
  }
  if (digits === 0) return undefined;
  // "1,050" may be a thousands separator or a decimal comma: not read.
  if (separator === ',' && fractionDigits === 3) return undefined;
  const numberText = text.slice(start, i).replace(',', '.');
  if (numberText.endsWith('.')) return undefined;
  const value = Number(numberText);
  if (!Number.isFinite(value)) return undefined;
  const rest = text.slice(i).trim();
  // What follows the number must look like a unit, not more numbers or words that change the meaning ("5-10").
  if (rest.length > 0 && !looksLikeUnit(rest)) return undefined;
  return { value, ...(comparator ? { comparator } : {}), unit: rest };
}

/** "mg/dL", "mL/min/{1.73_m2}", "mL/min/1.73 m2" — not words ("and rising") or more numbers ("-10"). */
function looksLikeUnit(rest: string): boolean {
  const tokens = rest.split(' ').filter((t) => t.length > 0);
  if (tokens.length > 2) return false;
  if (!/^[A-Za-zµμ%/[{][A-Za-z0-9µμ%/.*^_{}[\]²]*$/.test(tokens[0]!)) return false;
  // A second token only as in "1.73 m2": short and with a digit.
  return tokens.length === 1 || (tokens[1]!.length <= 3 && /^[A-Za-z]*[0-9²]+$/.test(tokens[1]!));
}

/** The value of an Observation or of one of its components. */
export function readLabValue(holder: Record<string, unknown>): LabValue | undefined {
  const quantity = asObject(holder.valueQuantity);
  if (quantity) {
    const q = readQuantity(quantity);
    if (!q) return undefined;
    const comparator = asString(quantity.comparator);
    return {
      ...q,
      ...(comparator && COMPARATORS.has(comparator) ? { comparator: comparator as Comparator } : {}),
    };
  }
  const integer = asNumber(holder.valueInteger);
  if (integer !== undefined && typeof holder.valueInteger === 'number') return { value: integer, unit: '' };
  const text = asString(holder.valueString);
  return text !== undefined ? parseValueString(text) : undefined;
}

/** A value as written on a card: "<15", "8.2". */
export const valueText = (r: { value?: number; comparator?: Comparator }): string =>
  r.value === undefined ? '' : `${r.comparator ?? ''}${r.value}`;
