import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAllHooks, demoUrls, startDemo, type RunningDemo } from '../../demo/demo.js';
import { formatResult, formatSummary, terminalStyle, type HookResult } from '../../demo/print-cards.js';

/** `npm run demo` end to end, on free ports: FHIR server + service + every hook without prefetch. */
describe('one-command demo', () => {
  let demo: RunningDemo;
  let results: HookResult[];
  beforeAll(async () => {
    demo = await startDemo({ now: new Date('2025-06-15T12:00:00Z'), env: { LOG_LEVEL: 'silent' } });
    results = await callAllHooks(demo);
  });
  afterAll(() => demo.close());

  it('calls patient-view for every patient and the order hooks for the ones with a draft order', () => {
    expect(results.filter((r) => r.hook === 'patient-view')).toHaveLength(demo.patients.length);
    const withDrafts = demo.patients.filter((p) => p.draftOrder).length;
    expect(results.filter((r) => r.hook === 'order-select')).toHaveLength(withDrafts);
    expect(results.filter((r) => r.hook === 'order-sign')).toHaveLength(withDrafts);
  });

  it('lets the service read every chart from the embedded FHIR server (no 412)', () => {
    expect(
      results
        .filter((r) => r.status !== 200)
        .map((r) => `${r.patient.id} ${r.hook} ${r.status} ${r.problem}`),
    ).toEqual([]);
  });

  it('prints readable blocks and a coverage summary without colour codes when colour is off', () => {
    const style = terminalStyle(false);
    const text = results.map((r) => formatResult(r, style)).join('\n') + formatSummary(results, style);
    expect(text).toContain('Demo Lapse (demo-dmab-lapse) · patient-view');
    expect(text).toContain('Catalogue cards shown for their demo patient:');
    expect(text).not.toContain('\u001b[');
  });

  it('points the CDS Hooks sandbox at this service and FHIR server', () => {
    const urls = demoUrls(demo, 'demo-dmab-lapse');
    expect(urls.sandbox).toBe(
      `https://sandbox.cds-hooks.org/?serviceDiscoveryURL=${demo.serviceUrl}/cds-services&fhirServiceUrl=${demo.fhir.base}&patientId=demo-dmab-lapse`,
    );
  });
});
