import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCatalogueDoc } from '../../src/cards/catalogue-doc.js';
import { loadCardCatalogue } from '../../src/cards/loader.js';
import { CATALOGUE_IDS } from '../../src/clinical/findings.js';
import { projectPath } from '../../src/paths.js';

describe('docs/card-catalogue.md', () => {
  const catalogue = loadCardCatalogue(projectPath('cards'));
  const orders = JSON.parse(readFileSync(projectPath('cards', '_orders.json'), 'utf8')).orders;
  const expected = renderCatalogueDoc(catalogue, orders);
  const path = projectPath('docs', 'card-catalogue.md');
  if (process.env.UPDATE_CARD_DOCS === '1') writeFileSync(path, expected);

  it('is generated from the current content (UPDATE_CARD_DOCS=1 to refresh)', () => {
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });

  it('has one row per catalogue id', () => {
    const rows = expected.split('\n').filter((l) => /^\| [A-Z]/.test(l) && !l.startsWith('| Id'));
    const ids = rows
      .map((r) => r.split('|')[1]?.trim())
      .filter((id) => (CATALOGUE_IDS as readonly string[]).includes(id ?? ''));
    expect(ids).toEqual([...CATALOGUE_IDS]);
  });
});
