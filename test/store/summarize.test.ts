import { describe, expect, it, onTestFinished } from 'vitest';
import { median, summarizeCards } from '../../src/analytics/summarize.js';
import { formatAnalyticsTable } from '../../src/analytics/format-table.js';
import { resolveWindow, windowQuerySchema } from '../../src/analytics/window.js';
import type { FeedbackFact } from '../../src/store/types.js';

const window = { from: new Date('2025-06-01T00:00:00Z'), to: new Date('2025-07-01T00:00:00Z') };
const shownAt = new Date('2025-06-15T12:00:00Z');

const fact = (
  cardUuid: string,
  outcome: 'accepted' | 'overridden',
  seconds: number,
  code?: string,
): FeedbackFact => ({
  catalogueId: 'dmab-lapse',
  indicator: 'critical',
  cardUuid,
  shownAt,
  outcome,
  overrideReasonCode: code ?? null,
  overrideReasonSystem: code ? 'sys' : null,
  overrideReasons: code ? [{ code, system: 'sys' }] : [],
  outcomeAt: new Date(shownAt.getTime() + seconds * 1000),
});

describe('summarizeCards', () => {
  it('counts distinct cards per outcome, ranks reasons and takes the median time to feedback', () => {
    const result = summarizeCards(
      {
        shown: [{ catalogueId: 'dmab-lapse', indicator: 'critical', shown: 10 }],
        feedback: [
          fact('a', 'accepted', 10),
          fact('a', 'accepted', 20),
          fact('b', 'overridden', 30, 'declined'),
          fact('c', 'overridden', 40, 'declined'),
          fact('d', 'overridden', 50),
        ],
        unattributedFeedback: 1,
      },
      window,
    );
    expect(result.groups).toEqual([
      {
        catalogueId: 'dmab-lapse',
        indicator: 'critical',
        shown: 10,
        accepted: 1,
        overridden: 3,
        acceptanceRate: 0.1,
        overrideReasons: [
          { code: 'declined', system: 'sys', count: 2 },
          { code: null, system: null, count: 1 },
        ],
        medianSecondsToFeedback: 30,
      },
    ]);
    expect(result.unattributedFeedback).toBe(1);
    const table = formatAnalyticsTable(result);
    expect(table).toMatch(/dmab-lapse\s+critical\s+10\s+1\s+3\s+10\.0%\s+30 s\s+declined ×2/);
  });

  it('median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('resolveWindow', () => {
  const now = new Date('2025-06-15T12:00:00Z');
  it('defaults to the last 30 days', () => {
    expect(resolveWindow({}, now)).toEqual({ from: new Date('2025-05-16T12:00:00Z'), to: now });
  });
  it('takes from/to, or from plus days', () => {
    expect(resolveWindow({ from: '2025-01-01', to: '2025-02-01' }, now)).toEqual({
      from: new Date('2025-01-01T00:00:00Z'),
      to: new Date('2025-02-01T00:00:00Z'),
    });
    expect(resolveWindow({ from: '2025-01-01', days: 7 }, now).to).toEqual(new Date('2025-01-08T00:00:00Z'));
  });
});

describe('report window parsing', () => {
  const parse = (query: Record<string, string>) => windowQuerySchema.safeParse(query);

  it('refuses impossible calendar dates and times instead of rolling them over', () => {
    for (const bad of ['2025-02-30', '2025-13-01', '2025-04-31', '2025-01-01T24:00', '2025-01-01garbage']) {
      expect(parse({ from: bad }).success, bad).toBe(false);
    }
    expect(parse({ from: '2024-02-29' }).success).toBe(true);
  });

  it('reads a date-time without a zone as UTC, not as the local time of the machine', () => {
    // Node applies a TZ change at once: the machine's zone is made non-UTC for this test.
    const savedTz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    onTestFinished(() => {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    });
    const q = parse({ from: '2025-06-01T08:30', to: '2025-06-02' });
    expect(q.success).toBe(true);
    const w = resolveWindow(q.data!, new Date('2025-07-01T00:00:00Z'));
    expect(w.from.toISOString()).toBe('2025-06-01T08:30:00.000Z');
    expect(w.to.toISOString()).toBe('2025-06-02T00:00:00.000Z');
    const zoned = resolveWindow(parse({ from: '2025-06-01T08:30:00+02:00' }).data!, new Date());
    expect(zoned.from.toISOString()).toBe('2025-06-01T06:30:00.000Z');
  });
});
