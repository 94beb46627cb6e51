import type { HookName, Indicator } from '../protocol/types.js';
import type { CatalogueId } from '../clinical/findings.js';
import type { ChartLine } from './chart-summary.js';

/**
 * The data of the preview page, shared by the server (src/preview/preview-data.ts, the fixtures) and the browser
 * code (src/preview/browser/). Types only, importing nothing that needs Node, so the browser build can read them.
 */

/** The card a demo patient demonstrates on one hook. */
export interface ExpectedCard {
  hook: HookName;
  cardId: CatalogueId;
  indicator: Indicator;
}

/** A CDS Hooks request body as the page sends it (built by the fixtures, validated by the service). */
export interface PreviewHookRequest {
  hookInstance: string;
  hook: HookName;
  fhirServer?: string;
  context: Record<string, unknown>;
  prefetch?: Record<string, unknown>;
}

/** What `GET /preview/patients` returns: each demo patient with its chart summary and a ready request per hook. */
export interface PreviewPatient {
  id: string;
  name: string;
  story: string;
  expected: ExpectedCard[];
  chart: ChartLine[];
  draftOrder?: ChartLine;
  requests: Partial<Record<HookName, { serviceId: string; body: PreviewHookRequest }>>;
}
