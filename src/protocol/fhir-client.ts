import type { Dispatcher } from 'undici';
import { loadUndici } from '../http/undici.js';
import type { FhirResource } from './types.js';

/**
 * A small FHIR read/search client for the prefetch fallback. It is deliberately narrow:
 * - the access token is sent only to URLs on the fhirServer's own origin (also for paging links and redirects);
 * - redirects are followed only within that origin, at most 3;
 * - every response is size-capped and every call honours the caller's AbortSignal (the per-request deadline);
 * - searches follow `next` links up to a page cap; exceeding it is an error, since partial data could hide
 *   the very record that matters (a recent dose, an MI) and give false reassurance.
 */

export type FhirFailureReason =
  | 'timeout'
  | 'network'
  | 'http-status'
  | 'too-large'
  | 'too-many-pages'
  | 'invalid-response'
  | 'forbidden-url';

export class FhirFetchError extends Error {
  override name = 'FhirFetchError';
  constructor(
    readonly reason: FhirFailureReason,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

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
  async query(relative: string, ctx: FhirCallContext): Promise<FhirResource[]> {
    let url: URL | undefined = FhirClient.resolve(ctx.base, relative);
    const resources: FhirResource[] = [];
    for (let page = 1; url; page++) {
      if (page > this.options.maxPages) {
        throw new FhirFetchError('too-many-pages', `more than ${this.options.maxPages} pages`);
      }
      const body = await this.getJson(url, ctx);
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
      url = typeof next?.url === 'string' ? this.pagingUrl(next.url, ctx.base) : undefined;
    }
    return resources;
  }

  private pagingUrl(href: string, base: URL): URL {
    let url: URL;
    try {
      url = new URL(href, base);
    } catch {
      throw new FhirFetchError('invalid-response', 'invalid next link');
    }
    // A paging link to another origin would receive the access token: refuse it.
    if (url.origin !== base.origin)
      throw new FhirFetchError('forbidden-url', 'next link points to another host');
    return url;
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
        await response.body.dump().catch(() => undefined);
        throw new FhirFetchError('http-status', `FHIR server answered ${statusCode}`, statusCode);
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

  private async readCapped(response: Dispatcher.ResponseData, signal: AbortSignal): Promise<string> {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.options.maxResponseBytes) {
      await response.body.dump().catch(() => undefined);
      throw new FhirFetchError('too-large', 'FHIR response exceeds the size limit');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > this.options.maxResponseBytes) {
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
