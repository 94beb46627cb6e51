import { describe, expect, it } from 'vitest';
import { errorBody } from '../../src/errors.js';
import { problemSchema } from '../../src/protocol/schemas/problem.js';

/** The error bodies the service builds are the shape its routes declare (and serialise with). */
describe('problemSchema', () => {
  it('accepts every error body shape errorBody builds', () => {
    for (const body of [
      errorBody(404, 'No route'),
      errorBody(400, 'context.patientId: is required', { expression: ['context.patientId'] }),
      errorBody(412, 'FHIR data not obtainable', { issueCode: 'incomplete', details: { keys: ['patient'] } }),
      errorBody(599, 'odd status'),
    ])
      expect(problemSchema.parse(body)).toEqual(body);
  });

  it('refuses a body that is not an OperationOutcome', () => {
    expect(problemSchema.safeParse({ statusCode: 400, message: 'x' }).success).toBe(false);
  });
});
