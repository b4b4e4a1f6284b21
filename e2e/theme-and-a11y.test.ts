// The theme menu, and axe-core's accessibility rules on every kind of page in both themes.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPost,
  launchBrowser,
  openTab,
  seriousViolations,
  signUp,
  startSite,
  type Site,
  type TestUser,
} from './harness.js';

let site: Site;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

function theme(page: Page): Promise<string | null> {
  return page.evaluate(() => document.documentElement.getAttribute('data-bs-theme'));
}

async function choose(page: Page, label: 'Light' | 'Dark' | 'Auto') {
  await page.locator('#themeMenu').click();
  const item = page.locator(`[data-theme-value="${label.toLowerCase()}"]`);
  expect(await item.textContent()).toBe(label);
  await item.waitFor({ state: 'visible' });
  await item.click();
  expect(await item.getAttribute('aria-pressed')).toBe('true');
  // The menu closes after a choice.
  await item.waitFor({ state: 'hidden' });
}

describe('the theme menu', () => {
  it('keeps Dark across reloads from the first paint, and lets Auto follow the system live', async () => {
    const tab = await openTab(browser, site, { colorScheme: 'light' });
    const { page } = tab;
    await tab.visit('/');
    expect(await theme(page)).toBe('light');
    expect(await page.locator('[data-theme-value="auto"]').getAttribute('aria-pressed')).toBe('true');

    await choose(page, 'Dark');
    expect(await theme(page)).toBe('dark');
    expect(await page.evaluate(() => localStorage.getItem('theme'))).toBe('dark');
    await page.reload();
    expect(await theme(page)).toBe('dark');
    expect(await page.locator('[data-theme-value="dark"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-theme-value="auto"]').getAttribute('aria-pressed')).toBe('false');

    // Without the deferred modules the theme is still right: the head script sets it before the first
    // paint, so a page never flashes light first.
    const layoutModule = /\/static\/js\/layout\.js(\?.*)?$/;
    await page.route(layoutModule, (route) => route.fulfill({ contentType: 'text/javascript', body: '' }));
    await page.reload();
    expect(await theme(page)).toBe('dark');
    await page.unroute(layoutModule);
    await tab.visit('/login');
    expect(await theme(page)).toBe('dark');

    // Light stays light whatever the system says.
    await choose(page, 'Light');
    expect(await theme(page)).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(100);
    expect(await theme(page)).toBe('light');

    // Auto follows the system as it changes, without a reload.
    await choose(page, 'Auto');
    expect(await page.evaluate(() => localStorage.getItem('theme'))).toBeNull();
    expect(await theme(page)).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => theme(page)).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => theme(page)).toBe('dark');
    await page.reload();
    expect(await theme(page)).toBe('dark');
    await tab.close();
  });
});

describe('on a phone', () => {
  it('folds the navbar behind its toggler, fits the width, and keeps the modals usable by keyboard', async () => {
    const user = await signUp(site.app, { username: 'On the go', email: 'phone@example.com' });
    const postId = await createPost(site.app, user, {
      title: 'Written on a phone',
      content: 'A long word to wrap: Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen.',
    });
    const tab = await openTab(browser, site, { viewport: { width: 390, height: 844 }, token: user.token });
    const { page } = tab;
    const fitsTheWidth = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

    await tab.visit('/');
    expect(await fitsTheWidth()).toBe(true);
    expect(await page.locator('#navUsername').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await page.locator('#navUsername').waitFor({ state: 'visible' });
    expect(await page.locator('#navUsername').textContent()).toBe('On the go');

    await tab.visit(`/posts/${postId}`);
    expect(await fitsTheWidth()).toBe(true);
    await page.locator('#ownerControls').waitFor({ state: 'visible' });
    await page.locator('#ownerControls').getByRole('button', { name: 'Delete' }).click();
    await page.locator('#deletePostModal').waitFor({ state: 'visible' });
    await expect
      .poll(() =>
        page.evaluate(() => document.getElementById('deletePostModal')!.contains(document.activeElement)),
      )
      .toBe(true);
    await page.keyboard.press('Escape');
    await page.locator('#deletePostModal').waitFor({ state: 'hidden' });

    await tab.visit('/editor');
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    expect(await fitsTheWidth()).toBe(true);
    await tab.visit('/account');
    await page.locator('#account').waitFor({ state: 'visible' });
    expect(await fitsTheWidth()).toBe(true);
    await tab.close();
  });
});

describe('accessibility', () => {
  let author: TestUser;
  let postId: number;

  beforeAll(async () => {
    await site.reset();
    author = await signUp(site.app, { username: 'Katherine Johnson', email: 'katherine@example.com' });
    const reader = await signUp(site.app, { username: 'Dorothy Vaughan', email: 'dorothy@example.com' });
    await createPost(site.app, reader, {
      title: 'Learning FORTRAN',
      content: 'I taught myself and then my whole team.',
    });
    // Enough posts for a second page, so that Load More is on screen too.
    for (let n = 1; n <= 10; n += 1) {
      await createPost(site.app, reader, { title: `Notebook, page ${n}`, content: 'Columns of figures.' });
    }
    await createPost(site.app, author, { title: null, content: 'A post without a title.' });
    postId = await createPost(site.app, author, {
      title: 'Orbital mechanics by hand',
      content: 'Check the numbers twice.\nThen check them again.',
    });
  });

  for (const colour of ['light', 'dark'] as const) {
    it(`finds no serious violation on any page in the ${colour} theme`, async () => {
      const pages: { path: string; status?: number }[] = [
        { path: '/' },
        { path: `/posts/${postId}` },
        { path: `/users/${author.id}/posts` },
        { path: '/login' },
        { path: '/register' },
        { path: '/forgot-password' },
        { path: '/reset-password?token=some-token' },
        { path: '/reset-password' },
        { path: '/no-such-page', status: 404 },
      ];
      const found: Record<string, string[]> = {};

      const visitor = await openTab(browser, site, { theme: colour });
      for (const { path, status } of pages) {
        await visitor.visit(path, { status });
        expect(await theme(visitor.page)).toBe(colour);
        if (path === '/') expect(await visitor.page.locator('#loadMore').isVisible()).toBe(true);
        found[`signed out ${path}`] = await seriousViolations(visitor.page);
      }
      await visitor.close();

      const member = await openTab(browser, site, { theme: colour, token: author.token });
      await member.visit('/account');
      await member.page.locator('#account').waitFor({ state: 'visible' });
      found['signed in /account'] = await seriousViolations(member.page);
      await member.visit(`/posts/${postId}`);
      await member.page.locator('#ownerControls').waitFor({ state: 'visible' });
      found[`signed in /posts/${postId}`] = await seriousViolations(member.page);
      await member.visit('/');
      await expect.poll(() => member.page.locator('#navUsername').textContent()).toBe(author.username);
      found['signed in /'] = await seriousViolations(member.page);
      await member.visit(`/editor/${postId}`);
      await member.page.locator('#editorForm').waitFor({ state: 'visible' });
      await expect.poll(() => member.page.locator('#previewContent').textContent()).not.toBe('');
      found['signed in /editor'] = await seriousViolations(member.page);
      await member.visit('/drafts');
      await member.page.locator('#drafts').waitFor({ state: 'visible' });
      found['signed in /drafts'] = await seriousViolations(member.page);
      await member.close();

      expect(Object.entries(found).filter(([, violations]) => violations.length > 0)).toEqual([]);
    });
  }
});
