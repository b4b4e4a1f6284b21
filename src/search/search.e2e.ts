// Tags and search in the browser: searching from the navbar on a phone, the matches marked, Load More
// on the results and on a tag's page, and axe-core on both pages in both themes.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPost,
  launchBrowser,
  listedPostIds,
  openTab,
  signUp,
  startSite,
  type Site,
} from '../../e2e/harness.js';

let site: Site;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite({ POSTS_PER_PAGE: '3' }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach(() => site.reset());

async function seed(): Promise<number[]> {
  const author = await signUp(site.app);
  const ids: number[] = [];
  for (let n = 1; n <= 5; n += 1) {
    const response = await site.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: author.headers,
      payload: {
        title: `Comet sighting ${n}`,
        content: `Saw a comet <b>tonight</b>, number ${n}.`,
        tags: ['comets'],
      },
    });
    ids.push(response.json<{ id: number }>().id);
  }
  await createPost(site.app, author, { title: 'Unrelated', content: 'Gardening notes.' });
  return ids;
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

describe('search and tags in the browser', () => {
  it('searches from the navbar on a phone, marks the matches and loads more', async () => {
    await seed();
    const tab = await openTab(browser, site, { viewport: { width: 390, height: 844 } });
    const { page } = tab;
    await tab.visit('/');
    // On a phone the navbar is behind its toggle.
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    const box = page.getByRole('searchbox', { name: 'Search posts' });
    await box.waitFor({ state: 'visible' });
    await box.fill('comet');
    await Promise.all([page.waitForURL((url) => url.pathname === '/search'), box.press('Enter')]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('comet');
    const results = page.locator('#searchResults article');
    expect(await results.count()).toBe(3);
    expect(await page.locator('#searchResults mark').first().textContent()).toMatch(/comet/i);
    // The <b> of the content is text, never markup.
    expect(await page.locator('#searchResults b').count()).toBe(0);
    await page.getByRole('button', { name: 'Load More' }).click();
    await expect.poll(() => results.count()).toBe(5);
    expect(await page.getByRole('button', { name: 'Load More' }).isVisible()).toBe(false);
    await tab.close();
  });

  it('a tag chip leads to the tag’s page, which loads more without duplicates', async () => {
    const ids = await seed();
    const tab = await openTab(browser, site);
    const { page } = tab;
    await tab.visit('/');
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/tags/comets'),
      page.getByRole('link', { name: '#comets' }).first().click(),
    ]);
    expect(await listedPostIds(page)).toEqual(ids.slice().reverse().slice(0, 3));
    await page.getByRole('button', { name: 'Load More' }).click();
    await expect.poll(() => listedPostIds(page)).toEqual(ids.slice().reverse());
    await tab.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`finds no serious accessibility violation on the search and tag pages (${theme})`, async () => {
      await seed();
      const tab = await openTab(browser, site, { theme });
      for (const path of ['/search?q=comet', '/search', '/tags/comets']) {
        await tab.visit(path);
        expect(await seriousViolations(tab.page), path).toEqual([]);
      }
      await tab.close();
    });
  }
});
