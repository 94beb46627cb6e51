import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE_IDS, SERVICE_NOTICE_IDS } from '../../src/clinical/findings.js';
import { projectPath } from '../../src/paths.js';
import { cardWordCounts, wordCountDoc, type CardWordCount } from '../../scripts/card-word-counts.js';

/** docs/card-word-counts.md: the word count of every rendered card (issue #14), printed by the script. */
describe('card word counts (scripts/card-word-counts.ts)', () => {
  let rows: CardWordCount[] = [];
  beforeAll(async () => {
    rows = await cardWordCounts();
  });

  it('covers every catalogue id with a rendered card (the service notices have no demo patient)', () => {
    const clinical = CATALOGUE_IDS.filter((id) => !SERVICE_NOTICE_IDS.includes(id));
    expect(rows.map((r) => r.id).sort()).toEqual(clinical.sort());
  });

  it('keeps summaries within 140 characters and the detail prose about 80 words', () => {
    const prose = rows.map((r) => r.proseWords).sort((a, b) => a - b);
    expect(Math.max(...rows.map((r) => r.summaryChars))).toBeLessThanOrEqual(140);
    expect(prose[Math.floor(prose.length / 2)]).toBeLessThanOrEqual(80);
    expect(Math.max(...prose)).toBeLessThanOrEqual(120);
  });

  it('docs/card-word-counts.md is current (npx tsx scripts/card-word-counts.ts --write)', () => {
    expect(readFileSync(projectPath('docs', 'card-word-counts.md'), 'utf8')).toBe(wordCountDoc(rows));
  });
});
