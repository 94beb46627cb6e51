import type { FhirResource } from '../types.js';
import type { ServerCapabilities } from './capabilities.js';

/**
 * How one prefetch template is asked of a particular FHIR server (issue #15 item 1). The template states what the
 * rules need in R4 terms; the server may be DSTU2 or STU3, may not expose a resource type, or may not support a
 * search parameter. A plan is a list of attempts, tried in order while the server answers "not supported":
 *  1. the template as the server's capabilities allow it — an equivalent type on an older release (DSTU2
 *     MedicationOrder for MedicationRequest), `_sort` or `code` dropped where undeclared (the code filter is then
 *     applied locally), `patient` written as `subject=Patient/…` where only `subject` is declared;
 *  2. the same without result parameters (`_sort`, `_count`…), then also without the `code` filter (applied locally),
 *     for servers whose statement says nothing about parameters but whose answer does;
 *  3. the same for each equivalent type.
 * Searches also ask for pages of `count` results (`_count`, a result parameter servers may cap or ignore), so that a
 * real chart fits in the page cap; a template's own `_count` is kept. A server that refuses `_count` gets the
 * relaxed attempt of step 2, which sends none.
 * When the statement lists the server's types and none fits, the plan is `unsupported`: no request is made and the
 * key is "no data from this server", which the cards then say (never a 412: that stays for real failures).
 */

/** R4 type → the types that hold the same facts on other releases (the draft-order reader knows them all). */
const EQUIVALENT_TYPES: Record<string, readonly string[]> = {
  MedicationRequest: ['MedicationOrder'],
  ServiceRequest: ['ProcedureRequest', 'DiagnosticOrder'],
};

/** Result parameters: they shape the answer (order, page size), never what it holds. */
const RESULT_PARAMS = new Set(['_sort', '_count', '_elements', '_summary']);

export interface QueryAttempt {
  resourceType: string;
  /** Relative to the FHIR base, ready to send. */
  query: string;
  /** When a `code` filter was dropped: keeps the resources it would have selected. */
  keep?: (resource: FhirResource) => boolean;
}

export type QueryPlan =
  | { kind: 'attempts'; resourceType: string; attempts: QueryAttempt[] }
  | { kind: 'unsupported'; resourceType: string };

export interface PlanOptions {
  /** `_count` to ask for on searches; unset: none. */
  count?: number;
  /**
   * Send `code` tokens without their system (`http://loinc.org|2160-0` → `2160-0`): a FHIR server matches a
   * `system|code` token against that exact system string, so results coded under the system's OID
   * (`urn:oid:2.16.840.1.113883.6.1`, C-CDA conversions) or a bare OID would not be returned. The record builder reads
   * the system of what comes back (canonicalSystem), so a same-code result of another system is not misread.
   */
  anyCodeSystem?: boolean;
}

export function planQuery(relative: string, caps: ServerCapabilities, options: PlanOptions = {}): QueryPlan {
  const [path = '', search = ''] = splitOnce(relative, '?');
  const [type = '', ...rest] = path.split('/');
  const isRead = rest.length > 0;
  if (isRead || !/^[A-Z][A-Za-z]+$/.test(type)) {
    // Reads (Patient/123) and anything unusual are sent as written, unless the server says it has no such type.
    const known = caps.types?.get(type);
    if (caps.types && /^[A-Z][A-Za-z]+$/.test(type) && (!known || !known.read))
      return { kind: 'unsupported', resourceType: type };
    return { kind: 'attempts', resourceType: type, attempts: [{ resourceType: type, query: relative }] };
  }

  const candidates = [type, ...(EQUIVALENT_TYPES[type] ?? [])].filter((t) => {
    if (!caps.types) return true;
    const c = caps.types.get(t);
    return c !== undefined && c.search;
  });
  if (candidates.length === 0) return { kind: 'unsupported', resourceType: type };

  const given = [...new URLSearchParams(search)];
  const params = options.anyCodeSystem ? withoutCodeSystems(given) : given;
  const count =
    options.count && !params.some(([name]) => name === '_count') ? String(options.count) : undefined;
  const attempts: QueryAttempt[] = [];
  for (const candidate of candidates) {
    const declared = caps.types?.get(candidate)?.searchParams;
    const adapted = adaptParams(params, declared, caps.commonSearchParams, candidate);
    const unchanged = candidate === type && adapted.params === given;
    // Unchanged: the template's own text is sent, byte for byte (then the page size).
    const withCount = (a: QueryAttempt): QueryAttempt =>
      count ? { ...a, query: `${a.query}${a.query.includes('?') ? '&' : '?'}_count=${count}` } : a;
    attempts.push(
      withCount(
        unchanged
          ? { resourceType: type, query: relative }
          : attempt(candidate, adapted.params, adapted.droppedCode),
      ),
    );
    // Relaxed attempts for a server that refuses what its statement did not mention: result parameters first
    // (sorting only orders the answer; the page size goes last, as servers refuse `_sort` far more often), then the
    // code filter (applied locally instead).
    const withoutResultParams = adapted.params.filter(([name]) => !RESULT_PARAMS.has(baseName(name)));
    if (withoutResultParams.length < adapted.params.length) {
      const own = adapted.params.filter(([name]) => baseName(name) === '_count');
      const keepCount = count !== undefined || own.length > 0;
      if (keepCount && withoutResultParams.length + own.length < adapted.params.length)
        attempts.push(withCount(attempt(candidate, [...withoutResultParams, ...own], adapted.droppedCode)));
      attempts.push(attempt(candidate, withoutResultParams, adapted.droppedCode));
    } else if (count) attempts.push(attempt(candidate, withoutResultParams, adapted.droppedCode));
    const minimal = withoutResultParams.filter(([name]) => !CODE_PARAMS.has(baseName(name)));
    if (minimal.length < withoutResultParams.length) {
      const code = adapted.droppedCode ?? params.find(([name]) => baseName(name) === 'code')?.[1];
      attempts.push(attempt(candidate, minimal, code));
    }
  }
  return { kind: 'attempts', resourceType: type, attempts };
}

/** `code` token lists without systems; the same array when there is nothing to change. */
function withoutCodeSystems(params: [string, string][]): [string, string][] {
  if (!params.some(([name, value]) => name === 'code' && value.includes('|'))) return params;
  return params.map(([name, value]): [string, string] => {
    if (name !== 'code') return [name, value];
    const codes = value.split(',').map((t) => (t.lastIndexOf('|') > 0 ? t.slice(t.lastIndexOf('|') + 1) : t));
    return [name, [...new Set(codes)].join(',')];
  });
}

function attempt(resourceType: string, params: [string, string][], droppedCode?: string): QueryAttempt {
  const search = params.map(([k, v]) => `${encodeName(k)}=${encodeValue(v)}`).join('&');
  return {
    resourceType,
    query: search ? `${resourceType}?${search}` : resourceType,
    ...(droppedCode !== undefined ? { keep: codeFilter(droppedCode) } : {}),
  };
}

const CODE_PARAMS = new Set(['code', 'combo-code']);

function adaptParams(
  given: [string, string][],
  declared: ReadonlySet<string> | undefined,
  common: ReadonlySet<string>,
  type: string,
): { params: [string, string][]; droppedCode?: string } {
  if (!declared) return { params: given };
  // Observation `combo-code` matches the code or a component's code: a calcium or creatinine sent inside a panel is
  // found too. Used only where the statement declares it: a lenient server ignoring an unknown parameter would
  // answer every Observation of the patient (and run into the page cap).
  const params: [string, string][] =
    type === 'Observation' && declared.has('combo-code')
      ? given.map(([name, value]) => (name === 'code' ? ['combo-code', value] : [name, value]))
      : given;
  if (params.every(([name]) => declared.has(baseName(name)) || common.has(baseName(name)))) return { params };
  const supports = (name: string) => declared.has(name) || common.has(name);
  const out: [string, string][] = [];
  let droppedCode: string | undefined;
  for (const [name, value] of params) {
    const base = baseName(name);
    if (base === '_sort' && !supports('_sort')) continue;
    if (base === 'code' && !supports('code')) {
      droppedCode = value;
      continue;
    }
    if (base === 'patient' && !supports('patient') && supports('subject')) {
      out.push(['subject', value.includes('/') ? value : `Patient/${value}`]);
      continue;
    }
    out.push([name, value]);
  }
  return { params: out, ...(droppedCode !== undefined ? { droppedCode } : {}) };
}

/** `code:text` → `code`, `subject.name` → `subject`. */
const baseName = (name: string) => name.split(/[:.]/)[0] ?? name;

/** Token search `system|code,|code,code` applied locally to `code` (and Observation `component.code`). */
function codeFilter(value: string): (resource: FhirResource) => boolean {
  const tokens = value.split(',').map((t) => {
    const bar = t.lastIndexOf('|');
    return bar < 0 ? { code: t } : { system: t.slice(0, bar), code: t.slice(bar + 1) };
  });
  const matches = (coding: unknown) => {
    const c = coding as { system?: unknown; code?: unknown } | null;
    if (typeof c?.code !== 'string') return false;
    return tokens.some(
      (t) =>
        t.code === c.code &&
        (t.system === undefined || (t.system === '' ? c.system === undefined : t.system === c.system)),
    );
  };
  const conceptMatches = (concept: unknown) => {
    const codings = (concept as { coding?: unknown } | null)?.coding;
    return Array.isArray(codings) && codings.some(matches);
  };
  return (resource) =>
    conceptMatches(resource.code) ||
    (Array.isArray(resource.component) &&
      resource.component.some((c) => conceptMatches((c as { code?: unknown } | null)?.code)));
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

// Search values keep `|`, `,` and `:` readable (as the templates write them); everything else is encoded.
const encodeValue = (v: string) =>
  encodeURIComponent(v)
    .replace(/%7C/gi, '|')
    .replace(/%2C/gi, ',')
    .replace(/%3A/gi, ':')
    .replace(/%2F/gi, '/');
const encodeName = (k: string) => encodeURIComponent(k).replace(/%3A/gi, ':');
