import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../support/build-app.js';

export const BASE_URL = 'https://cds.example.test';
export const EHR_ISS = 'https://ehr.example.test';
export const DISCOVERY_PATH = '/cds-services';
export const SERVICE_PATH = '/cds-services/osteoporosis-patient-view';
export const FEEDBACK_PATH = `${SERVICE_PATH}/feedback`;

/** An app with authentication on, plus what it logged and which auth failures it reported. */
export interface AuthTestApp {
  app: FastifyInstance;
  failures: string[];
  logs: string[];
  /** The auth failure reasons reported since the last call (and clear them). */
  takeFailures(): string[];
}

export async function buildAuthApp(env: Record<string, string>): Promise<AuthTestApp> {
  const logs: string[] = [];
  const app = await buildTestApp({
    env: { CDS_AUTH: 'required', PUBLIC_BASE_URL: BASE_URL, LOG_LEVEL: 'trace', ...env },
    logStream: { write: (line) => void logs.push(line) },
  });
  const failures: string[] = [];
  app.cdsEvents.on('auth.failed', (e) => failures.push(e.reason));
  return {
    app,
    failures,
    logs,
    takeFailures: () => failures.splice(0, failures.length),
  };
}

export function issuersEnv(issuers: unknown[]): string {
  return JSON.stringify({ issuers });
}

/**
 * One trusted issuer (EHR_ISS) with an inline JWKS of a fixed public P-384 key, for tests that need a valid
 * issuer configuration but never sign a token (the private key is not here).
 */
export const STATIC_KEY_ISSUERS_ENV = issuersEnv([
  {
    iss: EHR_ISS,
    jwks: {
      keys: [
        {
          kty: 'EC',
          crv: 'P-384',
          kid: 'k',
          x: 'dw_JGR8nB2I6XveNxUOl2qk699ZPLM2nYI5STSdiEl9avAkrm3CkfYMbrrjr8laB',
          y: 'Sm3mLE-n1zYNla_aiE3cb3nZsL51RbC7ysw3q8aJLxGm-hx79RPMYpITDjp7kgzy',
        },
      ],
    },
  },
]);

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
