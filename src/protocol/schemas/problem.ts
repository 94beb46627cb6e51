import { z } from 'zod';

/**
 * The body of every error answer (src/errors.ts `errorBody`): a FHIR OperationOutcome, as CDS Hooks 3.0 asks, that
 * also carries `statusCode`, `error` and `message` at the top level for a human reading the response.
 */
export const problemSchema = z.strictObject({
  resourceType: z.literal('OperationOutcome'),
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  issue: z.array(
    z.strictObject({
      severity: z.string(),
      code: z.string(),
      diagnostics: z.string(),
      expression: z.array(z.string()).optional(),
    }),
  ),
});
