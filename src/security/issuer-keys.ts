import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import { AuthFailure } from './auth-failure.js';
import { fetchJwks, type JwksFetchOptions } from './jwks-fetch.js';
import type { TrustedIssuer } from './trusted-issuers.js';

type KeyGetter = ReturnType<typeof createLocalJWKSet>;
type VerificationKey = Awaited<ReturnType<KeyGetter>>;

export interface IssuerKeysOptions extends JwksFetchOptions {
  /** Minimum time between two JWKS refetches of one issuer triggered by unknown kids. */
  cooldownMs: number;
  now?: () => number;
}

/** After a failed fetch, further attempts fail fast for this long (at most the cooldown), so that a dead JWKS
 * server costs each request nothing instead of a full timeout. */
const FAILURE_BACKOFF_MS = 5_000;

interface RemoteSet {
  url: string;
  keys?: KeyGetter;
  failedAt?: number;
  inFlight?: Promise<void>;
}

/**
 * The verification keys of one trusted issuer: its inline JWKS and the JWKS URLs configured for it. Keys are
 * chosen by `kid`. Remote sets are fetched on first use and cached; an unknown `kid` triggers a refetch at most
 * once per cooldown for the whole issuer (key rotation is picked up; a flood of random kids costs one fetch).
 * A token's `jku` only selects among the configured URLs: anything else is refused before any fetch.
 */
export class IssuerKeys {
  private readonly inline?: KeyGetter;
  private readonly remote = new Map<string, RemoteSet>();
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(
    private readonly issuer: TrustedIssuer,
    private readonly options: IssuerKeysOptions,
  ) {
    if (issuer.jwks) this.inline = createLocalJWKSet(issuer.jwks as JSONWebKeySet);
    for (const url of issuer.jwksUris) this.remote.set(url, { url });
    this.now = options.now ?? Date.now;
  }

  /** The key for this token header, or an AuthFailure (jku-not-allowed, kid-unknown, jwks-unavailable). */
  async keyFor(header: JWSHeaderParameters): Promise<VerificationKey> {
    const { inline, remote } = this.sourcesFor(header);

    const fromInline = inline ? await findIn(inline, header) : undefined;
    if (fromInline) return fromInline;

    let loadFailed = false;
    for (const set of remote) {
      if (!set.keys) {
        await this.load(set);
        if (!set.keys) loadFailed = true;
      }
    }
    const found = await this.findInRemote(remote, header);
    if (found) return found;

    if (remote.length > 0 && this.now() - this.lastRefreshAt >= this.options.cooldownMs) {
      this.lastRefreshAt = this.now();
      await Promise.all(remote.map((set) => this.load(set, true)));
      const refreshed = await this.findInRemote(remote, header);
      if (refreshed) return refreshed;
      loadFailed = remote.some((set) => !set.keys);
    }
    throw new AuthFailure(loadFailed ? 'jwks-unavailable' : 'kid-unknown');
  }

  private sourcesFor(header: JWSHeaderParameters): { inline?: KeyGetter; remote: RemoteSet[] } {
    if (header.jku === undefined)
      return { ...(this.inline ? { inline: this.inline } : {}), remote: [...this.remote.values()] };
    if (typeof header.jku === 'string') {
      const set = this.remote.get(header.jku);
      if (set) return { remote: [set] };
      if (this.inline && this.issuer.jkuAliases.includes(header.jku))
        return { inline: this.inline, remote: [] };
    }
    throw new AuthFailure('jku-not-allowed');
  }

  private async findInRemote(sets: RemoteSet[], header: JWSHeaderParameters) {
    for (const set of sets) {
      const key = set.keys ? await findIn(set.keys, header) : undefined;
      if (key) return key;
    }
    return undefined;
  }

  /** Fetch (or refetch) one set; concurrent callers share one request; failures keep the previous keys. */
  private load(set: RemoteSet, force = false): Promise<void> {
    if (set.inFlight) return set.inFlight;
    if (!force && set.keys) return Promise.resolve();
    const backoff = Math.min(FAILURE_BACKOFF_MS, this.options.cooldownMs);
    if (set.failedAt !== undefined && this.now() - set.failedAt < backoff) return Promise.resolve();
    if (!set.keys) this.lastRefreshAt = this.now();
    set.inFlight = fetchJwks(set.url, this.options)
      .then((jwks) => {
        set.keys = createLocalJWKSet(jwks);
        delete set.failedAt;
      })
      .catch(() => {
        set.failedAt = this.now();
      })
      .finally(() => {
        delete set.inFlight;
      });
    return set.inFlight;
  }
}

async function findIn(keys: KeyGetter, header: JWSHeaderParameters): Promise<VerificationKey | undefined> {
  try {
    return await keys(header, { payload: '', signature: '' });
  } catch (err) {
    if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys)
      return undefined;
    throw err;
  }
}
