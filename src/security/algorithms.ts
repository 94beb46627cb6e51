/**
 * JWS algorithms the service accepts from an EHR. CDS Hooks 2.0 recommends ES384 and RS384 (the sandbox signs
 * ES384, Epic defaults to RS384), forbids `none` and every symmetric (HS*) algorithm. Symmetric algorithms are
 * never configurable: with a published public key as the "secret", anyone could forge tokens.
 */
export const DEFAULT_ALGORITHMS = ['ES384', 'RS384'] as const;

/** Asymmetric algorithms that configuration may add (JWT_ALGORITHMS or an issuer's `algorithms`). */
const CONFIGURABLE_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
] as const;

export type Algorithm = (typeof CONFIGURABLE_ALGORITHMS)[number];

export function isConfigurableAlgorithm(alg: string): alg is Algorithm {
  return (CONFIGURABLE_ALGORITHMS as readonly string[]).includes(alg);
}

export function isSymmetricAlgorithm(alg: string): boolean {
  return /^HS/i.test(alg);
}

export function isNoneAlgorithm(alg: string): boolean {
  return alg.toLowerCase() === 'none';
}
