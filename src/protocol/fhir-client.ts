import type { Dispatcher } from 'undici';
import { loadUndici } from '../http/undici.js';
import { isUnderBase } from './urls.js';
import type { FhirResource } from './types.js';

/**
 * A small FHIR read/search client for the prefetch fallback. It is deliberately narrow:
 * - the access token is sent only to URLs on the fhirServer's own origin (also for paging links and redirects);
 * - redirects are followed only within that origin, at most 3;
 * - every response is size-capped and every call honours the caller's AbortSignal (the per-request deadline);
 * - searches follow `next` links up to a page cap; exceeding it is an error, since partial data could hide
 *   the very record that matters (a recent dose, an MI) and give false reassurance;
 * - one paging rule for prefetch and fallback (`pagingUrl`): a `next` link must stay on the fhirServer's origin and
 *   under its base path, with or without a trailing slash — HAPI's `{base}?_getpages=…`, Medplum's
 *   `{base}/Type?_offset=…`, Epic's `{base}/Type?sessionID=…` and Oracle Health's `-pageContext` links all are;
 * - an error answer keeps what its OperationOutcome says (issue codes, text), so the caller can tell "this server
 *   does not support that resource type or parameter" from a real failure.
 */

export type FhirFailureReason =
  | 'timeout'
  | 'network'
  | 'http-status'
  | 'too-large'
  | 'too-many-pages'
  | 'invalid-response'
  | 'forbidden-url';

/** What an error answer's OperationOutcome said (issue codes and text, cut short), when it had one. */
export interface OutcomeSummary {
  codes: string[];
  text: string;
}

export class FhirFetchError extends Error {
  override name = 'FhirFetchError';
  constructor(
    readonly reason: FhirFailureReason,
    message: string,
    readonly status?: number,
    readonly outcome?: OutcomeSummary,
    /** The page of a search that failed: past the first, some of the data was already read. */
    readonly page = 1,
  ) {
    super(message);
  }
}

/** Error statuses whose OperationOutcome is read: the ones a server uses to say "not supported here". */
const OUTCOME_STATUSES = new Set([400, 404, 405, 410, 422, 501]);
/** An error body is only read for its OperationOutcome: a small cap is enough. */
const MAX_OUTCOME_BYTES = 64 * 1024;

export interface FhirClientOptions {
  maxPages: number;
  maxResponseBytes: number;
  /** Connection policy (e.g. an undici Agent whose DNS lookup refuses private addresses), made on first use. */
  getDispatcher?: () => Promise<Dispatcher>;
  /** Checks every URL before it is requested (SSRF guard); throws to refuse. */
  checkUrl?: (url: URL) => void | Promise<void>;
}

export interface FhirCallContext {
  /** The fhirServer base URL from the request. */
  base: URL;
  accessToken?: string;
  signal: AbortSignal;
}

const MAX_REDIRECTS = 3;

export class FhirClient {
  constructor(private readonly options: FhirClientOptions) {}

  /** Resolve a relative query (from a prefetch template) against the fhirServer base. */
  static resolve(base: URL, relative: string): URL {
    const baseHref = base.href.endsWith('/') ? base.href : base.href + '/';
    const url = new URL(relative, baseHref);
    if (url.origin !== base.origin || !url.pathname.startsWith(new URL(baseHref).pathname)) {
      throw new FhirFetchError('forbidden-url', 'query escapes the FHIR base URL');
    }
    return url;
  }

  /**
   * Run a read or search. A read returns the resource; a search returns every entry's resource across pages
   * (OperationOutcome entries from `search.mode = outcome` are dropped).
   */
  query(relative: string, ctx: FhirCallContext): Promise<FhirResource[]> {
    return this.collect(FhirClient.resolve(ctx.base, relative), ctx);
  }

  /** Complete a paginated Bundle from its `next` link (the prefetch path), under the same paging rule. */
  follow(nextLink: string, ctx: FhirCallContext): Promise<FhirResource[]> {
    return this.collect(pagingUrl(nextLink, ctx.base), ctx);
  }

  /** The server's CapabilityStatement (DSTU2: Conformance), read from `{base}/metadata`. */
  async metadata(ctx: FhirCallContext): Promise<FhirResource> {
    return this.getJson(FhirClient.resolve(ctx.base, 'metadata'), ctx);
  }

  private async collect(first: URL, ctx: FhirCallContext): Promise<FhirResource[]> {
    let url: URL | undefined = first;
    const resources: FhirResource[] = [];
    for (let page = 1; url; page++) {
      if (page > this.options.maxPages) {
        throw new FhirFetchError('too-many-pages', `more than ${this.options.maxPages} pages`);
      }
      const body = await this.getJson(url, ctx).catch((err: unknown) => {
        // A continuation page refused: the data is incomplete, whatever the server says about the reason (a
        // "not supported" here must never make the key read as "this server has no such data").
        if (page > 1 && err instanceof FhirFetchError)
          throw new FhirFetchError(err.reason, `page ${page}: ${err.message}`, err.status, err.outcome, page);
        throw err;
      });
      if (body.resourceType !== 'Bundle') {
        if (body.resourceType === 'OperationOutcome') {
          throw new FhirFetchError('invalid-response', 'FHIR server answered with an OperationOutcome');
        }
        return [body];
      }
      for (const entry of asArray(body.entry)) {
        const resource = (entry as { resource?: unknown; search?: { mode?: string } } | null)?.resource;
        if (isResource(resource) && resource.resourceType !== 'OperationOutcome') resources.push(resource);
      }
      const next = asArray(body.link).find((l) => (l as { relation?: string })?.relation === 'next') as
        { url?: unknown } | undefined;
      url = typeof next?.url === 'string' ? pagingUrl(next.url, ctx.base) : undefined;
    }
    return resources;
  }

  private async getJson(start: URL, ctx: FhirCallContext): Promise<FhirResource> {
    const { request } = await loadUndici();
    const dispatcher = await this.options.getDispatcher?.();
    let url = start;
    for (let hop = 0; ; hop++) {
      await this.options.checkUrl?.(url);
      const sameOrigin = url.origin === ctx.base.origin;
      const headers: Record<string, string> = { accept: 'application/fhir+json, application/json;q=0.9' };
      if (ctx.accessToken && sameOrigin) headers.authorization = `Bearer ${ctx.accessToken}`;
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method: 'GET',
          headers,
          signal: ctx.signal,
          ...(dispatcher ? { dispatcher } : {}),
        });
      } catch (err) {
        throw toFetchError(err, ctx.signal);
      }
      const { statusCode } = response;
      if (statusCode >= 300 && statusCode < 400) {
        await response.body.dump().catch(() => undefined);
        const location = response.headers.location;
        if (typeof location !== 'string' || hop >= MAX_REDIRECTS) {
          throw new FhirFetchError('http-status', `redirect (${statusCode}) not followed`, statusCode);
        }
        const target = new URL(location, url);
        if (target.origin !== ctx.base.origin) {
          throw new FhirFetchError('forbidden-url', 'redirect to another host refused', statusCode);
        }
        url = target;
        continue;
      }
      if (statusCode < 200 || statusCode >= 300) {
        const outcome = OUTCOME_STATUSES.has(statusCode)
          ? await this.readOutcome(response, ctx.signal)
          : await response.body.dump().then(
              () => undefined,
              () => undefined,
            );
        throw new FhirFetchError('http-status', `FHIR server answered ${statusCode}`, statusCode, outcome);
      }
      const text = await this.readCapped(response, ctx.signal);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new FhirFetchError('invalid-response', 'FHIR server answered with invalid JSON');
      }
      if (!isResource(parsed))
        throw new FhirFetchError('invalid-response', 'FHIR server answered a non-resource');
      return parsed;
    }
  }

  /** The OperationOutcome of an error answer, if it has a small one; never throws. */
  private async readOutcome(
    response: Dispatcher.ResponseData,
    signal: AbortSignal,
  ): Promise<OutcomeSummary | undefined> {
    try {
      return summariseOutcome(JSON.parse(await this.readCapped(response, signal, MAX_OUTCOME_BYTES)));
    } catch {
      response.body.destroy();
      return undefined;
    }
  }

  private async readCapped(
    response: Dispatcher.ResponseData,
    signal: AbortSignal,
    maxBytes = this.options.maxResponseBytes,
  ): Promise<string> {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body.dump().catch(() => undefined);
      throw new FhirFetchError('too-large', 'FHIR response exceeds the size limit');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          response.body.destroy();
          throw new FhirFetchError('too-large', 'FHIR response exceeds the size limit');
        }
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      throw toFetchError(err, signal);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

/**
 * The one paging rule of both data paths: a `next` link (absolute or relative to the base) is followed only when
 * it stays on the fhirServer's origin and under its base path — `{base}`, `{base}/`, `{base}?…`, `{base}/Type?…`.
 * Anything else would receive the access token or reach another service: refused.
 */
export function pagingUrl(href: string, base: URL): URL {
  let url: URL;
  try {
    url = new URL(href, base.href.endsWith('/') ? base.href : base.href + '/');
  } catch {
    throw new FhirFetchError('invalid-response', 'invalid next link');
  }
  if (url.origin !== base.origin)
    throw new FhirFetchError('forbidden-url', 'next link points to another host');
  if (!isUnderBase(url, base))
    throw new FhirFetchError('forbidden-url', 'next link leaves the FHIR base URL');
  return url;
}

function summariseOutcome(body: unknown): OutcomeSummary | undefined {
  if (!isResource(body) || body.resourceType !== 'OperationOutcome') return undefined;
  const codes: string[] = [];
  const texts: string[] = [];
  for (const issue of asArray(body.issue)) {
    const i = issue as { code?: unknown; diagnostics?: unknown; details?: { text?: unknown } } | null;
    if (typeof i?.code === 'string') codes.push(i.code.slice(0, 64));
    if (typeof i?.diagnostics === 'string') texts.push(i.diagnostics);
    if (typeof i?.details?.text === 'string') texts.push(i.details.text);
  }
  return { codes, text: texts.join(' ').slice(0, 500) };
}

function toFetchError(err: unknown, signal: AbortSignal): FhirFetchError {
  if (err instanceof FhirFetchError) return err;
  if (signal.aborted) return new FhirFetchError('timeout', 'FHIR fetch deadline exceeded');
  return new FhirFetchError('network', 'FHIR server unreachable');
}

export function isResource(value: unknown): value is FhirResource {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { resourceType?: unknown }).resourceType === 'string'
  );
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
