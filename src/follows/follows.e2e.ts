// Following in the browser: the user page's bio, counts and Follow button (optimistic, rolled back
// when the request fails), and the home page's Latest / Following tabs with the suggestions of an empty
// Following tab, with axe-core on the pages in both themes.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPost,
  launchBrowser,
  listedPostIds,
  openTab,
  seriousViolations,
  signUp,
  startSite,
  type Site,
} from '../../e2e/harness.js';

let site: Site;
let browser: Browser;
const screenshots = path.resolve(import.meta.dirname, '../../docs/screenshots');

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach(() => site.reset());

describe('the Follow button', () => {
  it('follows and unfollows at once, and goes back when the request fails', async () => {
    const author = await signUp(site.app, { username: 'essayist' });
    const reader = await signUp(site.app, { username: 'reader' });
    await site.app.inject({
      method: 'PATCH',
      url: `/api/users/${author.id}`,
      headers: author.headers,
      payload: { bio: 'Writes long essays about <small> things.' },
    });
    await createPost(site.app, author, { title: 'On walking', content: 'Slowly.' });

    const tab = await openTab(browser, site, { token: reader.token });
    const { page } = tab;
    await tab.visit(`/users/${author.id}/posts`);
    expect(await page.locator('.user-bio').textContent()).toContain(
      'Writes long essays about <small> things.',
    );
    const button = page.locator('#followButton');
    const counts = page.locator('#followCounts');
    await expect.poll(() => button.isVisible()).toBe(true);
    expect(await counts.textContent()).toBe('0 followers · 0 following');
    expect(await button.getAttribute('aria-pressed')).toBe('false');

    await button.click();
    await expect.poll(() => button.textContent()).toBe('Following');
    await expect.poll(() => counts.textContent()).toBe('1 follower · 0 following');
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    const profile = await site.app.inject({ url: `/api/users/${author.id}`, headers: reader.headers });
    expect(profile.json()).toMatchObject({ followers: 1, followed: true });

    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'user-following-1280.png') });
    const axe = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

    // A failed unfollow puts the button back as it was.
    tab.watch.expectConsoleError(/ERR_FAILED|Failed to load resource/);
    await page.route('**/api/users/*/follow', (route) => route.abort(), { times: 1 });
    await button.click();
    await expect.poll(() => page.locator('#errorModal').isVisible()).toBe(true);
    await expect.poll(() => button.textContent()).toBe('Following');
    expect(await counts.textContent()).toBe('1 follower · 0 following');
    await page.keyboard.press('Escape');

    await button.click();
    await expect.poll(() => button.textContent()).toBe('Follow');
    await expect.poll(() => counts.textContent()).toBe('0 followers · 0 following');
    await tab.close();
  });

  it('is not offered on one’s own page nor to visitors who are not signed in', async () => {
    const author = await signUp(site.app, { username: 'self' });
    const own = await openTab(browser, site, { token: author.token });
    await own.visit(`/users/${author.id}/posts`);
    await expect
      .poll(() => own.page.locator('#followCounts').textContent())
      .toBe('0 followers · 0 following');
    expect(await own.page.locator('#followButton').isHidden()).toBe(true);
    await own.close();
    const anonymous = await openTab(browser, site);
    await anonymous.visit(`/users/${author.id}/posts`);
    await expect
      .poll(() => anonymous.page.locator('#followCounts').textContent())
      .toBe('0 followers · 0 following');
    expect(await anonymous.page.locator('#followButton').isHidden()).toBe(true);
    await anonymous.close();
  });
});

describe('the home page’s tabs', () => {
  it('are for signed-in readers: Following shows the posts of those they follow, with Load More', async () => {
    const author = await signUp(site.app, { username: 'followed_writer' });
    const other = await signUp(site.app, { username: 'someone_else' });
    const reader = await signUp(site.app, { username: 'tab_reader' });
    const followed: number[] = [];
    for (let i = 1; i <= 12; i += 1) {
      followed.push(
        await createPost(site.app, author, { title: `Followed post ${i}`, content: `Text ${i}.` }),
      );
    }
    const unfollowed = await createPost(site.app, other, { title: 'Not followed', content: 'Elsewhere.' });
    await site.app.inject({ method: 'POST', url: `/api/users/${author.id}/follow`, headers: reader.headers });

    const anonymous = await openTab(browser, site);
    await anonymous.visit('/');
    expect(await anonymous.page.locator('nav.feed-tabs').isHidden()).toBe(true);
    await anonymous.close();

    const tab = await openTab(browser, site, { token: reader.token });
    const { page } = tab;
    await tab.visit('/');
    const tabs = page.getByRole('navigation', { name: 'Feeds' });
    await expect.poll(() => tabs.isVisible()).toBe(true);
    expect(await tabs.getByRole('link', { name: 'Latest' }).getAttribute('aria-current')).toBe('page');
    expect(await listedPostIds(page)).toContain(unfollowed);

    // By keyboard: the Following tab is a link like any other.
    await tabs.getByRole('link', { name: 'Following' }).focus();
    await Promise.all([page.waitForURL(site.url('/following')), page.keyboard.press('Enter')]);
    expect(await tabs.getByRole('link', { name: 'Following' }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => listedPostIds(page)).toEqual(followed.slice(2).reverse());
    expect(await page.locator('#followingLoading').isHidden()).toBe(true);
    expect(await page.locator('#suggestions').isHidden()).toBe(true);
    await page.locator('#loadMore').click();
    await expect.poll(() => listedPostIds(page)).toEqual([...followed].reverse());
    await expect.poll(() => page.locator('#loadMore').isHidden()).toBe(true);
    await tab.close();
  });

  it('an empty Following tab suggests people, who can be followed from there', async () => {
    const popular = await signUp(site.app, { username: 'popular_essayist' });
    const quiet = await signUp(site.app, { username: 'quiet_poet' });
    const fan = await signUp(site.app);
    await site.app.inject({ method: 'POST', url: `/api/users/${popular.id}/follow`, headers: fan.headers });
    await site.app.inject({
      method: 'PATCH',
      url: `/api/users/${popular.id}`,
      headers: popular.headers,
      payload: { bio: 'Long essays about trains, tea and the weather.' },
    });
    await createPost(site.app, quiet, { title: 'A quiet poem', content: 'Softly.' });
    const essay = await createPost(site.app, popular, {
      title: 'Why the 8:15 is always late',
      description: 'A short history of a long wait.',
      content: 'It was never on time, and that is a story in itself.',
    });
    const reader = await signUp(site.app, { username: 'new_reader' });

    const tab = await openTab(browser, site, { token: reader.token, viewport: { width: 390, height: 844 } });
    const { page } = tab;
    await tab.visit('/following');
    const suggestions = page.getByRole('region', { name: 'People to follow' });
    await expect.poll(() => suggestions.isVisible()).toBe(true);
    expect(await page.locator('#emptyState').isVisible()).toBe(true);
    // The most followed first.
    expect(await suggestions.locator('.suggestion .author-link').allTextContents()).toEqual(
      expect.arrayContaining(['popular_essayist', 'quiet_poet']),
    );
    expect(await suggestions.locator('.suggestion .author-link').first().textContent()).toBe(
      'popular_essayist',
    );

    const follow = suggestions.locator(`.suggestion[data-user-id="${popular.id}"] .follow-button`);
    await follow.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => follow.getAttribute('aria-pressed')).toBe('true');
    expect(await follow.textContent()).toBe('Following');
    await expect.poll(() => listedPostIds(page)).toEqual([essay]);
    expect(await page.locator('#emptyState').isHidden()).toBe(true);
    await expect.poll(() => page.locator('#toasts').textContent()).toContain('You follow popular_essayist.');
    expect(
      (await site.app.inject({ url: `/api/users/${popular.id}`, headers: reader.headers })).json(),
    ).toMatchObject({ followed: true, followers: 2 });

    await mkdir(screenshots, { recursive: true });
    await page.locator('#toasts .btn-close').click();
    await page.screenshot({ path: path.join(screenshots, 'home-following-390.png'), fullPage: true });
    expect(await seriousViolations(page), 'light').toEqual([]);
    await page.evaluate(() => {
      localStorage.setItem('theme', 'dark');
      document.documentElement.setAttribute('data-bs-theme', 'dark');
    });
    await page.screenshot({ path: path.join(screenshots, 'home-following-dark-390.png'), fullPage: true });
    expect(await seriousViolations(page), 'dark').toEqual([]);

    // The next visit shows the feed; the suggestions were for an empty one.
    await tab.visit('/following');
    await expect.poll(() => listedPostIds(page)).toEqual([essay]);
    expect(await page.locator('#suggestions').isHidden()).toBe(true);
    await tab.close();
  });

  it('sends visitors who are not signed in to the login page', async () => {
    const tab = await openTab(browser, site);
    await tab.visit('/following');
    await tab.page.waitForURL(site.url('/login?next=/following'));
    await tab.close();
  });
});
