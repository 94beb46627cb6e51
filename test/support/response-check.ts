import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { cdsResponseSchema, containsNullOrEmpty } from '../../src/protocol/schemas/response.js';
import type { CdsResponse } from '../../src/protocol/types.js';

/** Assert a 200 hook response that validates against the strict CDS Hooks 2.0 response schema. */
export function expectValidCdsResponse(res: LightMyRequestResponse): CdsResponse {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  const parsed = cdsResponseSchema.safeParse(body);
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues, null, 1)).toBe(true);
  // `cards: []` is the one empty value the spec allows; nothing below it may be empty or null.
  for (const card of (body as CdsResponse).cards) expect(containsNullOrEmpty(card)).toBe(false);
  return body as CdsResponse;
}

/** Assert a JSON error body in the OperationOutcome style with a readable message. */
export function expectErrorBody(
  res: LightMyRequestResponse,
  status: number,
): { message: string; [k: string]: unknown } {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(body.resourceType).toBe('OperationOutcome');
  expect(body.statusCode).toBe(status);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  expect(body.issue[0].diagnostics).toBe(body.message);
  return body;
}
