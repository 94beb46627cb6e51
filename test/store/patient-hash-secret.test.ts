import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePatientHashSecret, SECRET_FILE_NAME } from '../../src/store/patient-hash-secret.js';
import { createPatientHasher } from '../../src/store/patient-hash.js';

describe('patient hash secret', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('prefers the configured secret', () => {
    expect(resolvePatientHashSecret('x'.repeat(40), '/nonexistent/db.sqlite')).toEqual({
      secret: 'x'.repeat(40),
      source: 'environment',
    });
  });

  it('generates one next to the SQLite file, private to the owner, and reuses it after a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cds-secret-'));
    dirs.push(dir);
    const path = join(dir, 'nested', 'db.sqlite');
    const first = resolvePatientHashSecret(undefined, path);
    expect(first).toMatchObject({ source: 'generated', file: join(dir, 'nested', SECRET_FILE_NAME) });
    if (process.platform !== 'win32') expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    const second = resolvePatientHashSecret(undefined, path);
    expect(second).toMatchObject({ source: 'file', secret: first.secret });
    expect(createPatientHasher(second.secret)('p1')).toBe(createPatientHasher(first.secret)('p1'));
  });

  it('different secrets give different hashes', () => {
    expect(createPatientHasher('a'.repeat(32))('p1')).not.toBe(createPatientHasher('b'.repeat(32))('p1'));
  });
});
