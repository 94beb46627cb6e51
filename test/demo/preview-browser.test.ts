import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildTestApp, testConfig } from '../support/build-app.js';
import { createEngine } from '../../src/service/engine.js';
import { loadProjectKnowledge } from '../../src/service/knowledge.js';
import { projectPath } from '../../src/paths.js';
import { HOSTILE_DISPLAY_TEXT } from '../../fixtures/demo-patients.js';
import { INDICATOR_COLOURS } from '../../src/preview/page/styles.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumUnavailable, freshUserDataDir } from './support/chromium.js';

/**
 * The card preview page in a real headless Chromium: cards render with their indicator colours and topic ids,
 * markup in patient data stays text, a suggestion shows the FHIR resource it would create or delete, and the page
 * makes no request outside the service. Takes a screenshot: into docs/img/preview.png (the README's picture) with
 * UPDATE_SCREENSHOTS=1, otherwise into the temp folder so a test run leaves the working tree clean.
 */
const unavailable = chromiumUnavailable();
if (unavailable) console.warn(`preview-browser.test.ts skipped: ${unavailable}`);
const engine = createEngine(loadProjectKnowledge(), testConfig().clinical);
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? projectPath('docs', 'img', 'preview.png')
    : join(tmpdir(), 'dmab-cds-preview.png');

describe.skipIf(unavailable !== undefined)('card preview page in Chromium', () => {
  let app: FastifyInstance;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const outsideRequests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await buildTestApp({ engine });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    userDataDir = freshUserDataDir();
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1280, height: 1000 },
    });
    // Everything must come from the service itself: any other request is refused and recorded.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${base}/`)) return route.continue();
      outsideRequests.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  async function show(patientId: string, hook: string): Promise<void> {
    await page.selectOption('#patient', patientId);
    await page.selectOption('#hook', hook);
    await page.click('#run');
    await page.waitForSelector(`body[data-last-call="${hook}:${patientId}"]`);
  }

  it('renders the rebound-fracture card in red with its topic id, and its Markdown as formatting', async () => {
    await page.goto(`${base}/preview?patient=demo-rvfx&hook=patient-view`);
    await page.waitForSelector('body[data-last-call="patient-view:demo-rvfx"]');
    const card = page.locator('article[data-topic="RVFX-SUSPECTED"]');
    await expect(card.getAttribute('data-indicator')).resolves.toBe('critical');
    const colours = await card.evaluate((el) => {
      const style = (e: typeof el) => e.ownerDocument.defaultView!.getComputedStyle(e);
      return { border: style(el).borderLeftColor, badge: style(el.querySelector('.badge')!).backgroundColor };
    });
    expect(colours).toEqual({ border: INDICATOR_COLOURS.critical, badge: INDICATOR_COLOURS.critical });
    await expect(card.locator('.topic').textContent()).resolves.toBe('RVFX-SUSPECTED');
    expect(await card.locator('.detail strong').count()).toBeGreaterThan(0);
    // Character references from the card renderer's escaping read as the characters they stand for.
    await expect(card.locator('.detail').textContent()).resolves.not.toMatch(/&lt;|&amp;|\\-/);
    // _emphasis_ is rendered, not shown with its underscores.
    await expect(card.locator('.detail').textContent()).resolves.not.toMatch(/(^|\s)_[^_\s][^_]*_(\s|$)/);
    expect(await card.locator('.dismiss select.override option').count()).toBeGreaterThan(1);
  });

  it('shows the FHIR resource a suggestion would create', async () => {
    const card = page.locator('article[data-topic="RVFX-SUSPECTED"]');
    await card.locator('.suggestions button').first().click();
    const output = card.locator('.suggestion-resource');
    await expect(output.isVisible()).resolves.toBe(true);
    const text = (await output.textContent()) ?? '';
    expect(text).toMatch(/^create MedicationRequest/);
    expect(text).toContain('"resourceType": "MedicationRequest"');
    await page.locator('.topbar').scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });
  });

  it('shows the delete action of the order card for the draft vertebroplasty', async () => {
    await show('demo-order-vertebroplasty', 'order-select');
    const card = page.locator('article[data-topic="ORDER-AUGMENT-RVFX"]');
    await expect(card.getAttribute('data-indicator')).resolves.toBe('critical');
    const buttons = card.locator('.suggestions button');
    const labels = await buttons.allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    for (let i = 0; i < labels.length; i++) {
      await buttons.nth(i).click();
      const text = (await card.locator('.suggestion-resource').textContent()) ?? '';
      if (text.includes('delete')) {
        expect(text).toContain('ServiceRequest/demo-order-vertebroplasty-draft');
        return;
      }
    }
    throw new Error(`no suggestion deletes the draft order (labels: ${labels.join(' | ')})`);
  });

  it('shows markup from patient data as text, without creating any element', async () => {
    await show('demo-markup-text', 'patient-view');
    const card = page.locator('article[data-topic="VFX-RECENT"]');
    await expect(card.getAttribute('data-indicator')).resolves.toBe('warning');
    const colour = await card.evaluate(
      (el) => el.ownerDocument.defaultView!.getComputedStyle(el).borderLeftColor,
    );
    expect(colour).toBe(INDICATOR_COLOURS.warning);
    expect(await page.locator('[data-demo-injected]').count()).toBe(0);
    expect(await page.locator('#cards img, #chart img, .detail b').count()).toBe(0);
    await expect(page.locator('#chart').textContent()).resolves.toContain(HOSTILE_DISPLAY_TEXT);
    await expect(card.textContent()).resolves.toContain('<b data-demo-injected="b">bold?</b>');
    const links = await page
      .locator('#cards a')
      .evaluateAll((as) => as.map((a) => new URL(a.getAttribute('href') ?? '').protocol));
    expect(links.every((p) => p === 'https:' || p === 'http:')).toBe(true);
  });

  it('made no request outside the service and raised no script error', () => {
    expect(outsideRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
