import { z } from 'zod';
import type { HookName } from '../types.js';

/**
 * CDS Hooks 2.0 request bodies, validated per hook. Liberal where the meaning is clear: unknown members and
 * `extension` are ignored (objects are "loose"), `Patient/123` in `patientId` is read as `123`, and the
 * `draftOrders` Bundle may lack `type` and `fullUrl`. Strict where it matters for safety: ids that end up in
 * FHIR URLs must be valid FHIR ids, and `fhirServer` must be an absolute http(s) URL.
 */

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * Longest id accepted where an id is only compared, never put in a URL (`selections`, draft order ids). FHIR says
 * 64 characters, but Epic's draft order ids run to about 190; 1,024 is generous and still bounded.
 */
const MAX_ORDER_ID_LENGTH = 1024;
const ORDER_ID = /^[A-Za-z0-9\-.]+$/;

/** A bare FHIR id; a `Type/` prefix is tolerated and stripped (older clients send `Patient/123`). */
const bareId = (type: string) =>
  z
    .string({ error: 'must be a string' })
    .transform((v) => (v.startsWith(`${type}/`) ? v.slice(type.length + 1) : v))
    .refine((v) => FHIR_ID.test(v), { message: 'must be a FHIR id ([A-Za-z0-9-.]{1,64})' });

const reference = z
  .string()
  .max(MAX_ORDER_ID_LENGTH + 64, 'is too long')
  .regex(
    new RegExp(`^[A-Za-z]{1,64}/[A-Za-z0-9\\-.]{1,${MAX_ORDER_ID_LENGTH}}$`),
    `must be a reference of the form Type/id (id up to ${MAX_ORDER_ID_LENGTH} characters)`,
  );

const fhirServer = z.string({ error: 'must be a string' }).refine(
  (v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  },
  { message: 'must be an absolute http(s) URL without credentials' },
);

const fhirAuthorizationObject = z.looseObject({
  access_token: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  token_type: z
    .string({ error: 'is required' })
    .refine((v) => v.toLowerCase() === 'bearer', { message: 'must be "Bearer"' }),
  expires_in: z.number().optional(),
  scope: z.string().optional(),
  subject: z.string().optional(),
  patient: z.string().optional(),
});

/**
 * `fhirAuthorization` with an empty `access_token` (the Da Vinci CRD request generator on an open FHIR server sends
 * `access_token: ""`) is read as no authorization at all: no token is sent to the FHIR server.
 */
const fhirAuthorization = z.preprocess(
  (v) =>
    typeof v === 'object' && v !== null && (v as { access_token?: unknown }).access_token === ''
      ? undefined
      : v,
  fhirAuthorizationObject.optional(),
);

/** A draft order's id: only compared with `selections` and echoed in a delete action, never put in a URL. */
function draftOrderIdProblem(id: unknown): string | undefined {
  if (id === undefined) return undefined;
  if (typeof id !== 'string') return 'must be a string';
  if (id.length === 0 || id.length > MAX_ORDER_ID_LENGTH)
    return `must be 1 to ${MAX_ORDER_ID_LENGTH} characters`;
  return ORDER_ID.test(id) ? undefined : 'must be a FHIR id ([A-Za-z0-9-.])';
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `draftOrders`: a Bundle of draft orders (type and fullUrl optional), or, leniently, a single resource read as a
 * one-entry Bundle. Liberal, never silent: an `entry` that is not an array, or an entry without a resource, is a
 * 400 naming it — answering `{"cards": []}` would tell the clinician orders were checked that were not. A Bundle
 * with no `entry` at all is an empty ordering session.
 */
const draftOrders = z
  .looseObject(
    { resourceType: z.string({ error: 'must be a FHIR Bundle' }).min(1, 'must be a FHIR Bundle') },
    { error: 'must be a FHIR Bundle object' },
  )
  .superRefine((bundle, ctx) => {
    if (bundle.resourceType !== 'Bundle') {
      const problem = draftOrderIdProblem(bundle.id);
      if (problem) ctx.addIssue({ code: 'custom', path: ['id'], message: problem });
      return;
    }
    if (bundle.entry === undefined) return;
    if (!Array.isArray(bundle.entry)) {
      ctx.addIssue({ code: 'custom', path: ['entry'], message: 'must be an array of Bundle entries' });
      return;
    }
    bundle.entry.forEach((entry: unknown, n: number) => {
      const resource = isObject(entry) ? entry.resource : undefined;
      if (!isObject(resource) || typeof resource.resourceType !== 'string' || resource.resourceType === '') {
        ctx.addIssue({
          code: 'custom',
          path: ['entry', n, 'resource'],
          message: 'must be a FHIR resource (each entry holds the draft order it stands for)',
        });
        return;
      }
      const problem = draftOrderIdProblem(resource.id);
      if (problem) ctx.addIssue({ code: 'custom', path: ['entry', n, 'resource', 'id'], message: problem });
    });
  });

const baseContext = {
  userId: z.string().optional(),
  patientId: bareId('Patient'),
  encounterId: bareId('Encounter').optional(),
};

const contexts = {
  'patient-view': z.looseObject(baseContext, { error: 'must be an object' }),
  'order-select': z.looseObject(
    {
      ...baseContext,
      selections: z.array(reference, { error: 'must be an array of Type/id references' }),
      draftOrders,
    },
    { error: 'must be an object' },
  ),
  'order-sign': z.looseObject({ ...baseContext, draftOrders }, { error: 'must be an object' }),
} as const;

function requestSchema<H extends HookName>(hook: H) {
  return z
    .looseObject(
      {
        hook: z.literal(hook, { error: `must be "${hook}" for this service` }),
        hookInstance: z.string({ error: 'is required' }).min(1, 'must not be empty').max(256, 'is too long'),
        fhirServer: fhirServer.optional(),
        fhirAuthorization,
        context: contexts[hook],
        prefetch: z.record(z.string(), z.unknown(), { error: 'must be an object' }).nullish(),
      },
      { error: 'request body must be a JSON object' },
    )
    .refine((r) => r.fhirAuthorization === undefined || r.fhirServer !== undefined, {
      message: 'fhirServer is required when fhirAuthorization is present',
      path: ['fhirServer'],
    });
}

export const hookRequestSchemas = {
  'patient-view': requestSchema('patient-view'),
  'order-select': requestSchema('order-select'),
  'order-sign': requestSchema('order-sign'),
};

export type HookRequest = {
  hook: HookName;
  hookInstance: string;
  fhirServer?: string;
  fhirAuthorization?: z.output<typeof fhirAuthorizationObject>;
  context: {
    userId?: string;
    patientId: string;
    encounterId?: string;
    selections?: string[];
    draftOrders?: { resourceType: string; [k: string]: unknown };
    [k: string]: unknown;
  };
  prefetch?: Record<string, unknown> | null;
};

/** Turn a zod error into a one-line message naming the field, and the field paths. */
export function describeZodError(error: z.ZodError): { message: string; expression: string[] } {
  const issues = error.issues.slice(0, 5);
  const expression = issues.map((i) => i.path.map(String).join('.') || '(body)');
  const message = issues
    .map((i, n) => (expression[n] === '(body)' ? i.message : `${expression[n]}: ${i.message}`))
    .join('; ');
  return { message, expression };
}
