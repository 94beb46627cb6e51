/** URL comparisons used by the trust checks: a trailing slash never makes two URLs different. */

export function withoutTrailingSlash(href: string): string {
  return href.replace(/\/+$/, '');
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
