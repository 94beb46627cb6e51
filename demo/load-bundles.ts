import type { DemoPatient } from '../fixtures/demo-patients.js';
import { transactionBundle } from '../fixtures/demo-requests.js';

/** POSTs each demo patient's transaction Bundle to a FHIR R4 server base (HAPI, Medplum, the embedded one…). */

export interface LoadResult {
  patientId: string;
  status: number;
  ok: boolean;
  /** The server's first issue text when it refused the bundle (never the request body). */
  problem?: string;
}

export async function loadDemoPatients(base: string, patients: DemoPatient[]): Promise<LoadResult[]> {
  const url = base.replace(/\/+$/, '');
  const results: LoadResult[] = [];
  for (const patient of patients) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
      body: JSON.stringify(transactionBundle(patient)),
    });
    const text = await response.text();
    const result: LoadResult = { patientId: patient.id, status: response.status, ok: response.ok };
    if (!response.ok) result.problem = firstIssue(text) ?? response.statusText;
    results.push(result);
  }
  return results;
}

function firstIssue(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { issue?: { diagnostics?: string; details?: { text?: string } }[] };
    const issue = body.issue?.[0];
    return (issue?.diagnostics ?? issue?.details?.text)?.slice(0, 300);
  } catch {
    return undefined;
  }
}
