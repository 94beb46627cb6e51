import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SECRET_FILE_NAME = '.patient-hash-secret';

export interface ResolvedSecret {
  secret: string;
  /** Where it came from, for one start-up log line (never the secret itself). */
  source: 'environment' | 'file' | 'generated' | 'ephemeral';
  file?: string;
}

/**
 * The secret for patient hashes. Production must configure PATIENT_HASH_SECRET (the configuration enforces it).
 * Elsewhere a random secret is generated once and kept next to the SQLite file (mode 0600), so hashes stay stable
 * across restarts; with an in-memory database nothing outlives the process, so neither does the secret.
 */
export function resolvePatientHashSecret(configured: string | undefined, sqlitePath: string): ResolvedSecret {
  if (configured !== undefined) return { secret: configured, source: 'environment' };
  if (sqlitePath === ':memory:') return { secret: randomBytes(32).toString('hex'), source: 'ephemeral' };
  const file = join(dirname(sqlitePath), SECRET_FILE_NAME);
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length > 0) return { secret: stored, source: 'file', file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dirname(file), { recursive: true });
  try {
    // 'wx': if another process created it meanwhile, use theirs rather than overwrite it.
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { secret: readFileSync(file, 'utf8').trim(), source: 'file', file };
  }
  return { secret, source: 'generated', file };
}
