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

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
