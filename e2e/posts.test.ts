// Posts in the browser: the whole writing flow, the two ways of paging through a feed, and hostile text.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPost,
  launchBrowser,
  listedPostIds,
  logInThroughPage,
  openTab,
  signUp,
  startSite,
  type Site,
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

beforeEach(async () => {
  await site.reset();
});

describe('writing a post', () => {
  it('registers, logs in, publishes from the editor, edits and deletes the post', async () => {
    const tab = await openTab(browser, site);
    const { page } = tab;

    await tab.visit('/register');
    await page.locator('#usernameInput').fill('Ada Lovelace');
    await page.locator('#emailInput').fill('ada@example.com');
    await page.locator('#passwordInput').fill('analytical engine');
    await page.locator('#confirmInput').fill('analytical engines');
    await page.getByRole('button', { name: 'Register' }).click();
    const errorModal = page.locator('#errorModal');
    await errorModal.waitFor({ state: 'visible' });
    expect(await errorModal.locator('[data-role="message"]').textContent()).toBe('The two passwords differ.');
    await errorModal.getByRole('button', { name: 'OK' }).click();
    await errorModal.waitFor({ state: 'hidden' });
    await page.locator('#confirmInput').fill('analytical engine');
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/login'),
      page.getByRole('button', { name: 'Register' }).click(),
    ]);
    await tab.watch.expectClean();

    await logInThroughPage(tab, 'ada@example.com', 'analytical engine', 'Ada Lovelace');
    expect(await page.locator('#navUsername').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Login' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Logout' }).isVisible()).toBe(true);

    await Promise.all([
      page.waitForURL((url) => url.pathname === '/editor'),
      page.getByRole('link', { name: 'New Post' }).click(),
    ]);
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    await page.locator('#titleInput').fill('Notes on the engine');
    await page
      .locator('#contentInput')
      .fill('It weaves algebraic patterns\njust as the loom weaves flowers.');
    await Promise.all([
      page.waitForURL(/\/posts\/\d+\/notes-on-the-engine$/),
      page.getByRole('button', { name: 'Publish now' }).click(),
    ]);
    const postId = Number(new URL(page.url()).pathname.split('/')[2]);
    expect(await page.locator('h1.post-title').textContent()).toBe('Notes on the engine');
    expect(await page.locator('.article-content').innerHTML()).toBe(
      '<p>It weaves algebraic patterns<br>\njust as the loom weaves flowers.</p>\n',
    );

    await tab.visit('/');
    expect(await listedPostIds(page)).toEqual([postId]);
    const card = page.locator(`#postList [data-post-id="${postId}"]`);
    expect(await card.locator('.post-title').textContent()).toBe('Notes on the engine');
    expect(await card.locator('.author-link').textContent()).toBe('Ada Lovelace');
    expect(await card.locator('.post-excerpt').textContent()).toBe(
      'It weaves algebraic patterns just as the loom weaves flowers.',
    );

    await tab.visit(`/posts/${postId}`);
    expect(new URL(page.url()).pathname).toBe(`/posts/${postId}/notes-on-the-engine`);
    await page.locator('#ownerControls').waitFor({ state: 'visible' });
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/editor/${postId}`),
      page.locator('#ownerControls').getByRole('link', { name: 'Edit' }).click(),
    ]);
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    expect(await page.locator('#titleInput').inputValue()).toBe('Notes on the engine');
    expect(await page.locator('#contentInput').inputValue()).toBe(
      'It weaves algebraic patterns\njust as the loom weaves flowers.',
    );
    await page.locator('#titleInput').fill('Notes on the Analytical Engine');
    await page.locator('#contentInput').fill('Revised: it weaves *algebraic* patterns.');
    await Promise.all([
      page.waitForURL(/\/posts\/\d+\/notes-on-the-analytical-engine$/),
      page.getByRole('button', { name: 'Update' }).click(),
    ]);
    expect(await page.locator('h1.post-title').textContent()).toBe('Notes on the Analytical Engine');
    expect(await page.locator('#post .article-content').innerHTML()).toBe(
      '<p>Revised: it weaves <em>algebraic</em> patterns.</p>\n',
    );
    await tab.watch.expectClean();

    await page.locator('#ownerControls').getByRole('button', { name: 'Delete' }).click();
    await page.locator('#deletePostModal').waitFor({ state: 'visible' });
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/'),
      page.locator('#confirmDeletePost').click(),
    ]);
    expect(await listedPostIds(page)).toEqual([]);
    await page.locator('#emptyState').waitFor({ state: 'visible' });
    await tab.visit(`/posts/${postId}`, { status: 404 });
    expect(await page.locator('h1').textContent()).toBe('404 Not Found');
    await tab.close();
  });

  it('shows Edit and Delete to the author only, and sends a signed-out writer to the login page', async () => {
    const author = await signUp(site.app, { username: 'author' });
    const other = await signUp(site.app, { username: 'other' });
    const postId = await createPost(site.app, author, { title: 'Mine', content: 'Only I may change it.' });

    const asOther = await openTab(browser, site, { token: other.token });
    await asOther.visit(`/posts/${postId}`);
    const likeButton = asOther.page.locator('#likeButton');
    await asOther.page.locator('#likeButton:not([disabled])').waitFor();
    expect(await asOther.page.locator('#ownerControls').isHidden()).toBe(true);
    // Liking and unliking: the label, the count and aria-pressed follow.
    expect(await likeButton.textContent()).toBe('Like (0)');
    await likeButton.click();
    await expect.poll(() => likeButton.textContent()).toBe('Liked (1)');
    expect(await likeButton.getAttribute('aria-pressed')).toBe('true');
    await asOther.page.locator('#likeButton:not([disabled])').waitFor();
    await likeButton.click();
    await expect.poll(() => likeButton.textContent()).toBe('Like (0)');
    expect(await likeButton.getAttribute('aria-pressed')).toBe('false');
    await asOther.close();

    const signedOut = await openTab(browser, site);
    await signedOut.visit(`/posts/${postId}`);
    expect(await signedOut.page.locator('#ownerControls').isHidden()).toBe(true);
    expect(await signedOut.page.getByRole('link', { name: 'New Post' }).isVisible()).toBe(false);
    expect(await signedOut.page.locator('#post').getByRole('link', { name: 'Log in' }).isVisible()).toBe(
      true,
    );
    await signedOut.close();

    // A token that is no longer good: the page discards it, and the editor leads to the login page.
    const stale = await openTab(browser, site, { token: 'not-a-token' });
    await stale.visit('/', {
      consoleErrors: [/Failed to load resource: the server responded with a status of 401/],
    });
    await expect
      .poll(() => stale.page.evaluate(() => document.documentElement.getAttribute('data-session')))
      .toBe('signed-out');
    expect(await stale.page.evaluate(() => localStorage.getItem('access_token'))).toBeNull();
    await Promise.all([
      stale.page.waitForURL((url) => url.pathname === '/login'),
      stale.page.evaluate(() => document.querySelector<HTMLElement>('a[href="/editor"]')!.click()),
    ]);
    await stale.close();
  });
});

describe('paging through posts', () => {
  /** Writes `count` posts, oldest first, and returns their ids newest first, as feeds list them. */
  async function writePosts(author: Awaited<ReturnType<typeof signUp>>, count: number): Promise<number[]> {
    const ids: number[] = [];
    for (let n = 1; n <= count; n += 1) {
      ids.push(await createPost(site.app, author, { title: `Post ${n}`, content: `Text of post ${n}.` }));
    }
    return ids.reverse();
  }

  it('Load More on the home page shows every post once, in order, while new posts arrive', async () => {
    const author = await signUp(site.app, { username: 'prolific' });
    const expected = await writePosts(author, 25);
    const tab = await openTab(browser, site);
    const { page } = tab;
    const loadMore = page.locator('#loadMore');

    await tab.visit('/');
    expect(await listedPostIds(page)).toEqual(expected.slice(0, 10));

    const meanwhile = await createPost(site.app, author, { title: 'Newer', content: 'Written meanwhile.' });
    await loadMore.click();
    await expect.poll(() => listedPostIds(page)).toEqual(expected.slice(0, 20));
    expect(await loadMore.textContent()).toBe('Load More');

    // A failed load offers a retry, which then carries on from the same place.
    await page.route('**/api/posts?*', (route) => route.abort(), { times: 1 });
    tab.watch.expectConsoleError(/Failed to load resource: net::ERR_FAILED/);
    await loadMore.click();
    await expect.poll(() => loadMore.textContent()).toBe('Error - Click to Retry');
    await tab.watch.expectClean();
    const alsoMeanwhile = await createPost(site.app, author, { title: 'Newest', content: 'Also new.' });
    await loadMore.click();
    await expect.poll(() => listedPostIds(page)).toEqual(expected);
    await loadMore.waitFor({ state: 'hidden' });

    await tab.visit('/');
    expect(await listedPostIds(page)).toEqual([alsoMeanwhile, meanwhile, ...expected.slice(0, 8)]);
    await tab.close();
  });

  it('the user page scrolls in the next pages, with Load More as the fallback', async () => {
    const author = await signUp(site.app, { username: 'scroller' });
    const bystander = await signUp(site.app, { username: 'bystander' });
    const quiet = await signUp(site.app, { username: 'quiet' });
    await createPost(site.app, bystander, { title: 'Not by scroller', content: 'Someone else.' });
    const expected = await writePosts(author, 25);
    await createPost(site.app, bystander, { title: 'Also not by scroller', content: 'Someone else.' });

    const tab = await openTab(browser, site);
    const { page } = tab;
    const toBottom = () => page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));

    await tab.visit(`/users/${author.id}/posts`);
    expect(await page.locator('h1').textContent()).toBe('Posts by scroller');
    expect(await page.locator('main .badge').textContent()).toBe('25 posts');
    expect(await listedPostIds(page)).toEqual(expected.slice(0, 10));

    await toBottom();
    await expect.poll(() => listedPostIds(page)).toEqual(expected.slice(0, 20));
    const meanwhile = await createPost(site.app, author, { title: 'Newer', content: 'Written meanwhile.' });
    await toBottom();
    await expect.poll(() => listedPostIds(page)).toEqual(expected);
    await page.locator('#loadMore').waitFor({ state: 'hidden' });
    await tab.close();

    // Without IntersectionObserver nothing loads on scrolling; the button does the work.
    const fallback = await openTab(browser, site);
    await fallback.context.addInitScript(() => {
      delete (window as { IntersectionObserver?: unknown }).IntersectionObserver;
    });
    const withNew = [meanwhile, ...expected];
    await fallback.visit(`/users/${author.id}/posts`);
    expect(await listedPostIds(fallback.page)).toEqual(withNew.slice(0, 10));
    await fallback.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await fallback.page.waitForTimeout(300);
    expect(await listedPostIds(fallback.page)).toEqual(withNew.slice(0, 10));
    for (const shown of [20, 26]) {
      await fallback.page.locator('#loadMore').click();
      await expect.poll(() => listedPostIds(fallback.page)).toEqual(withNew.slice(0, shown));
    }
    await fallback.page.locator('#loadMore').waitFor({ state: 'hidden' });

    await fallback.visit(`/users/${quiet.id}/posts`);
    expect(await listedPostIds(fallback.page)).toEqual([]);
    expect(await fallback.page.locator('#emptyState').textContent()).toBe('No posts yet.');
    expect(await fallback.page.locator('main .badge').textContent()).toBe('0 posts');
    expect(await fallback.page.locator('#loadMore').isHidden()).toBe(true);
    await fallback.close();
  });

  it('on a screen taller than two pages, the user page goes on loading until the end is out of view', async () => {
    const author = await signUp(site.app, { username: 'tall' });
    const expected = await writePosts(author, 35);
    // A card is under 200 px high: two pages (and the header) fit in 4,500 px, so the end of the list
    // is still in view when the second page has come in, and only a third page takes it out.
    const tab = await openTab(browser, site, { viewport: { width: 1280, height: 4500 } });
    const { page } = tab;
    const endOutOfView = () =>
      page
        .locator('#scrollSentinel')
        .evaluate((el) => el.getBoundingClientRect().top > window.innerHeight + 200);

    await tab.visit(`/users/${author.id}/posts`);
    await expect.poll(endOutOfView).toBe(true);
    await page.waitForTimeout(300);
    const listed = await listedPostIds(page);
    expect(listed).toEqual(expected.slice(0, listed.length));
    expect(listed.length).toBeGreaterThanOrEqual(30);
    await tab.close();
  });
});

describe('hostile text', () => {
  it('shows markup in names, titles and contents as text, wherever it is drawn', async () => {
    const evilName = '"><script>alert(1)</script>';
    const evilTitle = '<img src=x onerror=alert(1)>';
    const evilContent = '</p><script>alert(2)</script><b onmouseover="alert(3)">bold</b> & &amp;';
    // Markdown shows raw HTML as text and reads `&amp;` as the entity it is.
    const evilText = '</p><script>alert(2)</script><b onmouseover="alert(3)">bold</b> & &';
    const evil = await signUp(site.app, { username: evilName, email: 'evil@example.com' });
    const filler = await signUp(site.app, { username: 'filler' });
    // One hostile post on the second page of the feed (drawn by the browser), one on the first
    // (drawn by the server).
    const older = await createPost(site.app, evil, { title: evilTitle, content: evilContent });
    for (let n = 1; n <= 10; n += 1) {
      await createPost(site.app, filler, { title: `Filler ${n}`, content: 'Nothing to see.' });
    }
    const newer = await createPost(site.app, evil, { title: evilTitle, content: evilContent });

    const tab = await openTab(browser, site, { token: evil.token });
    const { page } = tab;
    const expectLiteral = async (postId: number) => {
      const card = page.locator(`[data-post-id="${postId}"]`).first();
      expect(await card.locator('.post-title a').textContent()).toBe(evilTitle);
      expect(await card.locator('.author-link').textContent()).toBe(evilName);
      expect(await card.locator('.post-excerpt').textContent()).toBe(evilText);
    };
    const expectNothingInjected = async () => {
      expect(
        await page.evaluate(() => ({
          images: document.querySelectorAll('img[src="x"]').length,
          bold: document.querySelectorAll('main b').length,
          scripts: [...document.scripts].filter((script) => script.textContent.includes('alert')).length,
          handlers: document.querySelectorAll('[onerror], [onmouseover]').length,
        })),
      ).toEqual({ images: 0, bold: 0, scripts: 0, handlers: 0 });
    };

    await tab.visit('/');
    await expect.poll(() => page.locator('#navUsername').textContent()).toBe(evilName);
    await expectLiteral(newer);
    await page.locator('#loadMore').click();
    await page.locator(`[data-post-id="${older}"]`).waitFor();
    await expectLiteral(older);
    await expectNothingInjected();

    await tab.visit(`/posts/${older}`);
    expect(await page.locator('h1.post-title').textContent()).toBe(evilTitle);
    expect(await page.locator('#post .author-link').textContent()).toBe(evilName);
    expect(await page.locator('.article-content').textContent()).toBe(`${evilText}\n`);
    expect(await page.title()).toBe(`${evilTitle} · Blog`);
    expect(await page.locator('meta[property="og:title"]').getAttribute('content')).toBe(evilTitle);
    expect(await page.locator('meta[name="description"]').getAttribute('content')).toBe(evilText);
    expect(await page.locator('meta[property="og:description"]').getAttribute('content')).toBe(evilText);
    await expectNothingInjected();

    // The editor shows the Markdown as written, and its preview (wide window: beside it) as text.
    await tab.visit(`/editor/${older}`);
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    expect(await page.locator('#titleInput').inputValue()).toBe(evilTitle);
    expect(await page.locator('#contentInput').inputValue()).toBe(evilContent);
    await expect.poll(() => page.locator('#previewContent').textContent()).toBe(`${evilText}\n`);
    await expectNothingInjected();

    await tab.visit(`/users/${evil.id}/posts`);
    expect(await page.locator('h1').textContent()).toBe(`Posts by ${evilName}`);
    expect(await page.title()).toBe(`Posts by ${evilName} · Blog`);
    await expectLiteral(newer);
    await expectLiteral(older);
    await expectNothingInjected();

    await tab.visit('/account');
    await page.locator('#account').waitFor({ state: 'visible' });
    expect(await page.locator('#usernameInput').inputValue()).toBe(evilName);
    await expectNothingInjected();
    await tab.close();
  });
});
