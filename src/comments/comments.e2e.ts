// Comments in the browser: reading a thread with Load More, writing, editing and deleting, and who
// sees which controls.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPost, launchBrowser, openTab, signUp, startSite, type Site } from '../../e2e/harness.js';

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

async function commentThroughApi(token: string, postId: number, content: string): Promise<number> {
  const response = await site.app.inject({
    method: 'POST',
    url: `/api/posts/${postId}/comments`,
    headers: { authorization: `Bearer ${token}` },
    payload: { content },
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: number }>().id;
}

const listedComments = (page: Page) =>
  page.$$eval('#commentList .comment-content', (items) => items.map((item) => item.textContent));

describe('comments on a post', () => {
  it('a reader pages through the thread, writes, edits and deletes a comment; the count follows', async () => {
    const author = await signUp(site.app, { username: 'author' });
    const reader = await signUp(site.app, { username: 'reader' });
    const postId = await createPost(site.app, author, { title: 'Talk to me', content: 'Say something.' });
    for (let i = 1; i <= 22; i += 1) await commentThroughApi(author.token, postId, `Note ${i}`);

    const tab = await openTab(browser, site, { token: reader.token });
    const { page } = tab;
    await tab.visit(`/posts/${postId}`);
    expect(await page.locator('#commentCount').textContent()).toBe('(22 comments)');
    expect(await listedComments(page)).toHaveLength(20);
    await page.locator('#loadMoreComments').click();
    await expect.poll(() => listedComments(page).then((items) => items.length)).toBe(22);
    expect(await page.locator('#loadMoreComments').isHidden()).toBe(true);

    // Nobody but the author of a comment (or of the post) sees its controls.
    expect(await page.locator('#commentList .comment-controls:visible').count()).toBe(0);

    await page.locator('#commentInput').fill('A <b>bold</b> reply\non two lines');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await expect
      .poll(() => listedComments(page).then((items) => items.at(-1)))
      .toBe('A <b>bold</b> reply\non two lines');
    expect(await page.locator('#commentCount').textContent()).toBe('(23 comments)');
    expect(await page.locator('#commentInput').inputValue()).toBe('');
    const mine = page.locator('#commentList .comment').last();
    expect(await mine.locator('.comment-controls').isVisible()).toBe(true);

    await mine.getByRole('button', { name: 'Edit' }).click();
    await page.locator('#editCommentModal').waitFor({ state: 'visible' });
    expect(await page.locator('#editCommentInput').inputValue()).toBe('A <b>bold</b> reply\non two lines');
    await page.locator('#editCommentInput').fill('A plain reply');
    await page.locator('#editCommentModal').getByRole('button', { name: 'Save' }).click();
    await page.locator('#editCommentModal').waitFor({ state: 'hidden' });
    await expect.poll(() => mine.locator('.comment-content').textContent()).toBe('A plain reply');

    await mine.getByRole('button', { name: 'Delete' }).click();
    await page.locator('#deleteCommentModal').waitFor({ state: 'visible' });
    await page.locator('#confirmDeleteComment').click();
    await expect.poll(() => listedComments(page).then((items) => items.length)).toBe(22);
    expect(await page.locator('#commentCount').textContent()).toBe('(22 comments)');

    // What the page showed is what is stored.
    await tab.visit(`/posts/${postId}`);
    expect(await page.locator('#commentCount').textContent()).toBe('(22 comments)');
    await tab.close();
  });

  it("the post's author may delete a reader's comment; a signed-out visitor is asked to log in", async () => {
    const author = await signUp(site.app, { username: 'author' });
    const reader = await signUp(site.app, { username: 'reader' });
    const postId = await createPost(site.app, author, { title: 'Moderated', content: 'Be nice.' });
    await commentThroughApi(reader.token, postId, 'Buy cheap watches');

    const signedOut = await openTab(browser, site);
    await signedOut.visit(`/posts/${postId}`);
    expect(await signedOut.page.locator('#commentForm').isVisible()).toBe(false);
    expect(await signedOut.page.getByRole('link', { name: 'Log in' }).last().isVisible()).toBe(true);
    await signedOut.close();

    const tab = await openTab(browser, site, { token: author.token });
    const { page } = tab;
    await tab.visit(`/posts/${postId}`);
    const spam = page.locator('#commentList .comment').first();
    await spam.locator('.comment-controls').waitFor({ state: 'visible' });
    expect(await spam.getByRole('button', { name: 'Edit' }).isVisible()).toBe(false);
    await spam.getByRole('button', { name: 'Delete' }).click();
    await page.locator('#confirmDeleteComment').click();
    await page.locator('#noComments').waitFor({ state: 'visible' });
    expect(await page.locator('#commentCount').textContent()).toBe('(0 comments)');
    await tab.close();
  });
});
