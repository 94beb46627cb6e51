import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { parseCoreConfig } from '../../src/config/core.js';
import { parseStoreConfig } from '../../src/config/store.js';

// The store section alone, so other sections' production requirements do not get in the way.
const loadAs = (nodeEnv: string, env: Record<string, string> = {}) => {
  const all = { NODE_ENV: nodeEnv, ...env };
  return parseStoreConfig(all, parseCoreConfig(all));
};
const load = (env: Record<string, string>) => loadAs('test', env);

describe('store configuration', () => {
  it('uses SQLite unless DATABASE_URL is set, and an in-memory database in tests', () => {
    expect(load({})).toMatchObject({ backend: 'sqlite', sqlitePath: ':memory:', storeUserComments: false });
    expect(loadAs('development').sqlitePath).toMatch(/data[/\\]cds-feedback\.sqlite$/);
    expect(load({ DATABASE_URL: 'postgres://u@db:5432/cds' })).toMatchObject({ backend: 'postgres' });
  });

  it('requires PATIENT_HASH_SECRET in production', () => {
    expect(() => loadAs('production')).toThrow(/PATIENT_HASH_SECRET/);
    expect(loadAs('production', { PATIENT_HASH_SECRET: 's'.repeat(32) }).patientHashSecret).toBe(
      's'.repeat(32),
    );
  });

  it('never echoes a secret in its error message', () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ DATABASE_URL: 'mysql://admin:hunter2-secret@db/x' }, 'DATABASE_URL', 'hunter2-secret'],
      [{ ANALYTICS_ADMIN_TOKEN: 'short-tok' }, 'ANALYTICS_ADMIN_TOKEN', 'short-tok'],
      [{ PATIENT_HASH_SECRET: 'too-short-key' }, 'PATIENT_HASH_SECRET', 'too-short-key'],
    ];
    for (const [env, variable, secret] of cases) {
      let error: unknown;
      try {
        load(env);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(variable);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('names a bad number and an unsafe schema name', () => {
    expect(() => load({ FEEDBACK_RETENTION_DAYS: '-1' })).toThrow(/FEEDBACK_RETENTION_DAYS/);
    expect(() => load({ DATABASE_SCHEMA: 'x"; drop' })).toThrow(/DATABASE_SCHEMA/);
  });
});
