// Following in the browser: the user page's bio, counts and Follow button (optimistic, rolled back
// when the request fails), with axe-core on the page.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPost, launchBrowser, openTab, signUp, startSite, type Site } from '../../e2e/harness.js';

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
