import { randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { TestKey } from './keys.js';

/** Mints EHR tokens for tests: valid by default; every header field and claim can be changed or removed. */
export interface MintOptions {
  iss: string;
  aud: string | string[];
  header?: Record<string, unknown>;
  /** Claims to add or override; a value of `undefined` removes the claim. */
  claims?: Record<string, unknown>;
  /** Seconds relative to now. */
  iatOffset?: number;
  lifetime?: number;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export async function mint(key: TestKey, options: MintOptions): Promise<string> {
  const iat = nowSeconds() + (options.iatOffset ?? 0);
  const payload: Record<string, unknown> = {
    iss: options.iss,
    aud: options.aud,
    iat,
    exp: iat + (options.lifetime ?? 300),
    jti: randomUUID(),
    ...options.claims,
  };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  const header = { alg: key.alg, typ: 'JWT', kid: key.kid, ...options.header };
  for (const [k, v] of Object.entries(header))
    if (v === undefined) delete (header as Record<string, unknown>)[k];
  return new SignJWT(payload as JWTPayload)
    .setProtectedHeader(header as { alg: string })
    .sign(key.privateKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsecured token (`alg: none`, empty signature), built by hand since no library should make one. */
export function unsignedToken(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  return `${b64(header)}.${b64(payload)}.`;
}

/** Replace the payload of a signed token, keeping header and signature (a tampered token). */
export function withPayload(token: string, payload: Record<string, unknown>): string {
  const [h, , s] = token.split('.');
  return `${h}.${b64(payload)}.${s}`;
}

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/**
 * Sign an arbitrary protected header and payload with an ES384 key, bypassing jose's own header checks (jose
 * refuses to produce, e.g., an unknown `crit` extension): what a hostile or buggy client could send.
 */
export async function signRawEs384(
  key: TestKey,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-384' },
    key.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}
