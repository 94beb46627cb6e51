import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { HttpProblem } from '../../errors.js';
import { jsonNestingExceeds } from '../../protocol/json-depth.js';

/**
 * The JSON body parser of every route: application/json and the FHIR types (application/fhir+json,
 * application/json+fhir), nothing else (text/plain is removed: 415). Before Fastify's own parser (secure-json-parse,
 * `__proto__` and `constructor` refused) the nesting depth is checked in one linear pass: JSON.parse takes seconds
 * on a body of millions of nested arrays (issue 11, adversarial bench), a CDS Hooks request nests about 15 levels.
 */
const jsonBody: FastifyPluginAsync<{ maxDepth: number }> = async (app, { maxDepth }) => {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser(
    ['application/json', 'application/fhir+json', 'application/json+fhir'],
    { parseAs: 'string' },
    (request, raw, done) => {
      // parseAs 'string': always a string here.
      const body = raw as string;
      if (jsonNestingExceeds(body, maxDepth)) {
        done(
          new HttpProblem(400, `Request body nests deeper than ${maxDepth} levels (JSON_MAX_DEPTH)`),
          undefined,
        );
        return;
      }
      parse(request, body, done);
    },
  );
};

export default fp(jsonBody, { name: 'json-body' });
