/**
 * Why a call was refused. The reason is logged and counted (event `auth.failed`), never sent to the caller:
 * the 401 body is the same for every reason so that it does not help an attacker probe the checks.
 */
export type AuthFailureReason =
  | 'token-missing'
  | 'token-malformed'
  | 'token-too-large'
  | 'typ-invalid'
  | 'header-unsupported'
  | 'alg-none'
  | 'alg-symmetric'
  | 'alg-not-allowed'
  | 'kid-missing'
  | 'iss-missing'
  | 'iss-untrusted'
  | 'jku-not-allowed'
  | 'kid-unknown'
  | 'jwks-unavailable'
  | 'signature-invalid'
  | 'exp-missing'
  | 'iat-missing'
  | 'jti-missing'
  | 'claims-invalid'
  | 'expired'
  | 'iat-in-future'
  | 'not-yet-valid'
  | 'lifetime-too-long'
  | 'aud-mismatch'
  | 'tenant-untrusted'
  | 'jti-replayed'
  | 'jti-quota-exceeded'
  | 'replay-store-unavailable'
  | 'verification-error';

export class AuthFailure extends Error {
  override name = 'AuthFailure';
  constructor(readonly reason: AuthFailureReason) {
    super(reason);
  }
}
