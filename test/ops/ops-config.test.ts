import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { projectPath } from '../../src/paths.js';
import { serverOptions } from '../../src/server-options.js';

const ops = (env: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'test', ...env }).ops;

describe('operations configuration', () => {
  it('has defaults that suit a container behind a load balancer', () => {
    const config = ops();
    expect(config.metrics).toEqual({ enabled: true, token: undefined });
    expect(config.shutdown).toEqual({ timeoutMs: 8000, drainDelayMs: 0 });
    expect(config.timeouts).toEqual({ requestMs: 30_000, headersMs: 10_000, keepAliveMs: 72_000 });
    expect(config.loadShedding).toMatchObject({
      enabled: true,
      maxEventLoopDelayMs: 1000,
      retryAfterSeconds: 10,
    });
    expect(config.loadShedding.maxHeapUsedBytes).toBeGreaterThan(0);
    expect(config.openapiUi).toBe(true);
  });

  it('reads every variable', () => {
    const config = ops({
      METRICS_ENABLED: 'false',
      METRICS_TOKEN: 'a-long-enough-token',
      SHUTDOWN_TIMEOUT_MS: '20000',
      SHUTDOWN_DRAIN_DELAY_MS: '5000',
      REQUEST_TIMEOUT_MS: '15000',
      HEADERS_TIMEOUT_MS: '5000',
      KEEP_ALIVE_TIMEOUT_MS: '65000',
      LOAD_SHEDDING_ENABLED: 'false',
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '250',
      PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '0.95',
      PRESSURE_MAX_HEAP_USED_BYTES: '0',
      PRESSURE_MAX_RSS_BYTES: '1000000000',
      PRESSURE_SAMPLE_INTERVAL_MS: '500',
      PRESSURE_RETRY_AFTER_S: '3',
      OPENAPI_UI: 'false',
    });
    expect(config).toEqual({
      metrics: { enabled: false, token: 'a-long-enough-token' },
      shutdown: { timeoutMs: 20_000, drainDelayMs: 5000 },
      timeouts: { requestMs: 15_000, headersMs: 5000, keepAliveMs: 65_000 },
      loadShedding: {
        enabled: false,
        maxEventLoopDelayMs: 250,
        maxEventLoopUtilization: 0.95,
        maxHeapUsedBytes: 0,
        maxRssBytes: 1_000_000_000,
        sampleIntervalMs: 500,
        retryAfterSeconds: 3,
      },
      openapiUi: false,
    });
  });

  it('treats an empty METRICS_TOKEN (env files, compose interpolation) as unset', () => {
    expect(ops({ METRICS_TOKEN: '' }).metrics.token).toBeUndefined();
  });

  it('never echoes a rejected METRICS_TOKEN in the error message', () => {
    expect(() => ops({ METRICS_TOKEN: 'hunter2-secret' })).toThrow(/METRICS_TOKEN \(value hidden\)/);
    expect(() => ops({ METRICS_TOKEN: 'hunter2-secret' })).not.toThrow(/hunter2/);
  });

  it('treats empty numeric variables as unset, so load shedding is not switched off by `NAME=`', () => {
    const config = ops({
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '',
      PRESSURE_MAX_HEAP_USED_BYTES: '',
      SHUTDOWN_TIMEOUT_MS: '',
    });
    expect(config.loadShedding.maxEventLoopDelayMs).toBe(1000);
    expect(config.loadShedding.maxHeapUsedBytes).toBeGreaterThan(0);
    expect(config.shutdown.timeoutMs).toBe(8000);
  });

  it.each([
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: 'soon' }],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'short' }],
    ['PRESSURE_MAX_EVENT_LOOP_UTILIZATION', { PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '2' }],
    ['SHUTDOWN_DRAIN_DELAY_MS', { SHUTDOWN_TIMEOUT_MS: '1000', SHUTDOWN_DRAIN_DELAY_MS: '1000' }],
    ['HEADERS_TIMEOUT_MS', { REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '6000' }],
    ['OPENAPI_UI', { OPENAPI_UI: 'maybe' }],
  ])('rejects a bad %s with a message naming it', (variable, env) => {
    expect(() => ops(env)).toThrow(ConfigError);
    expect(() => ops(env)).toThrow(new RegExp(`^Invalid environment variable ${variable} `));
  });

  it('feeds the server timeouts into the Fastify options', () => {
    const options = serverOptions(
      loadConfig({ NODE_ENV: 'test', REQUEST_TIMEOUT_MS: '12000', KEEP_ALIVE_TIMEOUT_MS: '61000' }),
    );
    expect(options).toMatchObject({
      requestTimeout: 12_000,
      keepAliveTimeout: 61_000,
      return503OnClosing: true,
    });
    expect(options.connectionTimeout).toBeGreaterThan(61_000);
  });

  it('stops the process with a one-line message naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: projectPath(),
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', SHUTDOWN_TIMEOUT_MS: 'soon' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^Invalid environment variable SHUTDOWN_TIMEOUT_MS \("soon"\)/);
  });
});
