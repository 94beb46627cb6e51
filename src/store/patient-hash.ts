import { createHmac } from 'node:crypto';

/**
 * The card log's only link to a patient: HMAC-SHA256 of the patient id with a secret the database never sees.
 * Without the secret the hash cannot be reversed by hashing candidate ids, yet one patient's cards still group.
 */
export type PatientHasher = (patientId: string) => string;

export function createPatientHasher(secret: string): PatientHasher {
  return (patientId) => createHmac('sha256', secret).update(patientId, 'utf8').digest('hex');
}
