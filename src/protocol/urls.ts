/** URL comparisons used by the trust checks: a trailing slash never makes two URLs different. */

export function withoutTrailingSlash(href: string): string {
  // A loop, not /\/+$/: that regex restarts at every slash of a long run and is quadratic in it (issue 11).
  let end = href.length;
  while (end > 0 && href.charCodeAt(end - 1) === 47) end--;
  return end === href.length ? href : href.slice(0, end);
}

/** Origin + path of a base URL, no query, no fragment, no trailing slash (e.g. `https://ehr.example/fhir/r4`). */
export function baseKey(url: URL): string {
  return withoutTrailingSlash(url.origin + url.pathname);
}

/** True when `url` is the base itself (query/fragment and trailing slash ignored). */
export function isSameBase(url: URL, base: URL): boolean {
  return baseKey(url) === baseKey(base);
}

/** True when `url` is the base or lies below it on the same origin. */
export function isUnderBase(url: URL, base: URL): boolean {
  const b = baseKey(base);
  const u = baseKey(url);
  return u === b || u.startsWith(b + '/');
}

/**
 * The comparable form of an `aud` value naming an endpoint: scheme and host case, a default port and a trailing
 * slash are no difference; the path is kept exactly as written (no percent-decoding, no case folding). Undefined
 * for anything that names no endpoint: not http(s), a query, a fragment, userinfo, or a path the URL parser would
 * rewrite (dot segments, encoding).
 */
export function audienceKey(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.search || url.hash || url.username || url.password || value.includes('#') || value.includes('?'))
    return undefined;
  // The path exactly as written: a path the URL parser would rewrite (dot segments, encoding) is not the one called.
  const rawPath = value.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  if (rawPath !== '' && rawPath !== url.pathname) return undefined;
  return withoutTrailingSlash(url.origin + url.pathname);
}

/** Anything that starts like an http(s) URL is compared as one (see `audienceKey`); nothing else is. */
const HTTP_LIKE = /^https?:/i;

/**
 * The comparable form of a per-issuer configured audience (and of a token's `aud` entry compared against one):
 * an http(s) URL goes through `audienceKey`; any other string (a client id, a URN) is compared exactly as
 * written. The two forms cannot collide, since only URL keys start with `http:`/`https:`. Undefined when the
 * value can match nothing.
 */
export function configuredAudienceKey(value: string): string | undefined {
  if (value.length === 0) return undefined;
  return HTTP_LIKE.test(value) ? audienceKey(value) : value;
}
