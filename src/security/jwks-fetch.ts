import { loadUndici } from '../http/undici.js';
import type { JSONWebKeySet } from 'jose';

/**
 * Fetches one JWK Set: bounded in time (timeoutMs for the whole exchange) and size (maxBytes), no redirects
 * (a redirect could lead anywhere; the configured URL is the one that is trusted). Private and symmetric keys are
 * dropped: a JWKS must only carry public keys, and an `oct` key would turn a public value into an HMAC secret.
 */
export class JwksFetchError extends Error {
  override name = 'JwksFetchError';
}

export interface JwksFetchOptions {
  timeoutMs: number;
  maxBytes: number;
}

export async function fetchJwks(url: string, options: JwksFetchOptions): Promise<JSONWebKeySet> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let text: string;
  try {
    const { request } = await loadUndici();
    const response = await request(url, {
      method: 'GET',
      headers: { accept: 'application/jwk-set+json, application/json' },
      signal,
    });
    if (response.statusCode !== 200) {
      await response.body.dump().catch(() => undefined);
      throw new JwksFetchError(`JWKS answered HTTP ${response.statusCode}`);
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      await response.body.dump().catch(() => undefined);
      throw new JwksFetchError('JWKS larger than JWKS_MAX_BYTES');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > options.maxBytes) {
        response.body.destroy();
        throw new JwksFetchError('JWKS larger than JWKS_MAX_BYTES');
      }
      chunks.push(chunk as Buffer);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    if (err instanceof JwksFetchError) throw err;
    throw new JwksFetchError(signal.aborted ? 'JWKS fetch timed out' : 'JWKS unreachable');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new JwksFetchError('JWKS is not JSON');
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new JwksFetchError('JWKS has no "keys" array');
  return { keys: keys.filter(isPublicSigningKey) as JSONWebKeySet['keys'] };
}

function isPublicSigningKey(key: unknown): boolean {
  if (typeof key !== 'object' || key === null) return false;
  const k = key as Record<string, unknown>;
  return (
    (k.kty === 'EC' || k.kty === 'RSA' || k.kty === 'OKP') &&
    !('d' in k) &&
    (k.use === undefined || k.use === 'sig')
  );
}
