/**
 * An error with an HTTP status that is safe to show to the client. Everything else that escapes a handler is
 * reported as a generic 500 without detail (and logged).
 */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly options: {
      /** FHIR OperationOutcome issue code (https://hl7.org/fhir/R4/valueset-issue-type.html). */
      issueCode?: string;
      /** Where in the request the problem is (e.g. `context.patientId`). */
      expression?: string[];
      /** Extra machine-readable detail (e.g. which prefetch keys failed). */
      details?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
  }
}

const issueCodeByStatus: Record<number, string> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  412: 'incomplete',
  413: 'too-costly',
  415: 'not-supported',
  429: 'throttled',
  503: 'transient',
};

const reasonPhrase: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * The JSON body of every error response: a FHIR OperationOutcome (what CDS Hooks 3.0 asks for) that also carries
 * `statusCode`, `error` and `message` at the top level so a human reading the response sees the problem at once.
 */
export function errorBody(
  statusCode: number,
  message: string,
  opts: { issueCode?: string; expression?: string[]; details?: Record<string, unknown> } = {},
) {
  return {
    resourceType: 'OperationOutcome' as const,
    statusCode,
    error: reasonPhrase[statusCode] ?? 'Error',
    message,
    ...(opts.details ? { details: opts.details } : {}),
    issue: [
      {
        severity: 'error' as const,
        code: opts.issueCode ?? issueCodeByStatus[statusCode] ?? 'exception',
        diagnostics: message,
        ...(opts.expression && opts.expression.length > 0 ? { expression: opts.expression } : {}),
      },
    ],
  };
}
