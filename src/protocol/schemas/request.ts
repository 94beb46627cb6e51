import { z } from 'zod';
import type { HookName } from '../types.js';

/**
 * CDS Hooks 2.0 request bodies, validated per hook. Liberal where the meaning is clear: unknown members and
 * `extension` are ignored (objects are "loose"), `Patient/123` in `patientId` is read as `123`, and the
 * `draftOrders` Bundle may lack `type` and `fullUrl`. Strict where it matters for safety: ids that end up in
 * FHIR URLs must be valid FHIR ids, and `fhirServer` must be an absolute http(s) URL.
 */

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** A bare FHIR id; a `Type/` prefix is tolerated and stripped (older clients send `Patient/123`). */
const bareId = (type: string) =>
  z
    .string({ error: 'must be a string' })
    .transform((v) => (v.startsWith(`${type}/`) ? v.slice(type.length + 1) : v))
    .refine((v) => FHIR_ID.test(v), { message: 'must be a FHIR id ([A-Za-z0-9-.]{1,64})' });

const reference = z
  .string()
  .regex(/^[A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/, 'must be a reference of the form Type/id');

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

const fhirAuthorization = z.looseObject({
  access_token: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  token_type: z
    .string({ error: 'is required' })
    .refine((v) => v.toLowerCase() === 'bearer', { message: 'must be "Bearer"' }),
  expires_in: z.number().optional(),
  scope: z.string().optional(),
  subject: z.string().optional(),
  patient: z.string().optional(),
});

/** A FHIR resource object: anything with a string `resourceType`. */
export const fhirResourceShape = z.looseObject({ resourceType: z.string().min(1) });

/** `draftOrders`: a Bundle of draft orders (type and fullUrl optional), or, leniently, a single resource. */
const draftOrders = z.looseObject(
  { resourceType: z.string({ error: 'must be a FHIR Bundle' }) },
  {
    error: 'must be a FHIR Bundle object',
  },
);

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
        fhirAuthorization: fhirAuthorization.optional(),
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
  fhirAuthorization?: z.output<typeof fhirAuthorization>;
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
