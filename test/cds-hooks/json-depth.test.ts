import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { jsonNestingExceeds } from '../../src/protocol/json-depth.js';
import { hookRequest, SERVICE } from '../scenarios/support.js';
import * as F from '../clinical/support/fhir.js';
import { buildTestApp } from '../support/build-app.js';
import { expectErrorBody, expectValidCdsResponse } from '../support/response-check.js';

/**
 * JSON_MAX_DEPTH (issue 11, adversarial bench): 8 million nested arrays in a 16 MiB body held the event loop for
 * 7 s inside JSON.parse. Bodies nested deeper than the limit are refused with a 400 before they are parsed.
 */

/** A patient-view request with `depth` levels of nesting in all (the request object is level 1). */
function nestedRequest(depth: number): string {
  const base = JSON.stringify(hookRequest('patient-view', [F.patient()]));
  // The request object and `context` are two levels: the extension adds depth - 2 arrays.
  const arrays = depth - 2;
  return base.replace('"context":{', `"context":{"extension":${'['.repeat(arrays)}${']'.repeat(arrays)},`);
}

const post = (app: FastifyInstance, payload: string, contentType = 'application/json', path?: string) =>
  app.inject({
    method: 'POST',
    url: path ?? `/cds-services/${SERVICE['patient-view']}`,
    headers: { 'content-type': contentType },
    payload,
  });

describe('JSON nesting limit over HTTP (JSON_MAX_DEPTH, default 100)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it('answers a body nested 101 levels with a 400 that names the limit, before parsing it', async () => {
    const body = expectErrorBody(await post(app, nestedRequest(101)), 400);
    expect(body.message).toBe('Request body nests deeper than 100 levels (JSON_MAX_DEPTH)');
  });

  it('accepts a request nested exactly 100 levels (and any ordinary one)', async () => {
    expectValidCdsResponse(await post(app, nestedRequest(100)));
    expectValidCdsResponse(await post(app, nestedRequest(100), 'application/fhir+json'));
  });

  it('a million levels are refused quickly as well, on every JSON type and on the feedback route', async () => {
    const deep = nestedRequest(1_000_000);
    expectErrorBody(await post(app, deep, 'application/fhir+json'), 400);
    expectErrorBody(await post(app, deep, 'application/json+fhir'), 400);
    expectErrorBody(
      await post(app, deep, 'application/json', `/cds-services/${SERVICE['patient-view']}/feedback`),
      400,
    );
  });

  it('still refuses other content types (415) and broken JSON (400)', async () => {
    expect((await post(app, nestedRequest(3), 'text/plain')).statusCode).toBe(415);
    const broken = expectErrorBody(await post(app, '{"hook": '), 400);
    expect(broken.message).not.toContain('JSON_MAX_DEPTH');
  });
});

describe('JSON_MAX_DEPTH configured', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ env: { JSON_MAX_DEPTH: '20' } });
  });
  afterAll(() => app.close());

  it('refuses 21 levels and accepts 20', async () => {
    expect(expectErrorBody(await post(app, nestedRequest(21)), 400).message).toContain(
      'deeper than 20 levels',
    );
    expectValidCdsResponse(await post(app, nestedRequest(20)));
  });
});

describe('jsonNestingExceeds', () => {
  it('counts brackets outside strings only', () => {
    expect(jsonNestingExceeds('[[[]]]', 3)).toBe(false);
    expect(jsonNestingExceeds('[[[[]]]]', 3)).toBe(true);
    expect(jsonNestingExceeds('{"a":{"b":[1,{"c":2}]}}', 4)).toBe(false);
    expect(jsonNestingExceeds('{"a":{"b":[1,{"c":2}]}}', 3)).toBe(true);
    expect(jsonNestingExceeds(`{"text":"${'['.repeat(10_000)}"}`, 2)).toBe(false);
  });

  it('reads escaped quotes and escaped backslashes inside strings', () => {
    // "a\"[[[" is one string; "\\" ends with an escaped backslash, so the next quote closes it.
    expect(jsonNestingExceeds(String.raw`["a\"[[[[", "b"]`, 1)).toBe(false);
    expect(jsonNestingExceeds(String.raw`["\\", [[["x"]]]]`, 3)).toBe(true);
    expect(jsonNestingExceeds(String.raw`["\\\"[[[[[", 1]`, 1)).toBe(false);
  });

  it('leaves malformed text to the parser (an unclosed string is not an error here)', () => {
    expect(jsonNestingExceeds('["abc', 1)).toBe(false);
    expect(jsonNestingExceeds(']]]]', 1)).toBe(false);
  });
});
