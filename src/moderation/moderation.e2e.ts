// Moderators in the browser: Delete (not Edit) on another author's post and on every comment.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('a moderator', () => {
  it("sees Delete on others' posts and comments, and deletes a post", async () => {
    const author = await signUp(site.app, { username: 'spammer' });
    const moderator = await signUp(site.app, { username: 'mod' });
    await site.app.usersService.setStanding(moderator.id, { role: 'moderator' });
    const postId = await createPost(site.app, author, { title: 'Cheap pills', content: 'Buy now.' });
    const commented = await site.app.inject({
      method: 'POST',
      url: `/api/posts/${postId}/comments`,
      headers: author.headers,
      payload: { content: 'Really cheap.' },
    });
    expect(commented.statusCode).toBe(201);

    const tab = await openTab(browser, site, { token: moderator.token });
    const { page } = tab;
    await tab.visit(`/posts/${postId}`);
    const controls = page.locator('#ownerControls');
    await expect.poll(() => controls.isVisible()).toBe(true);
    expect(await controls.getByRole('button', { name: 'Edit' }).isHidden()).toBe(true);
    const commentControls = page.locator('#commentList .comment-controls');
    await expect.poll(() => commentControls.isVisible()).toBe(true);
    expect(await commentControls.locator('[data-action="edit-comment"]').isHidden()).toBe(true);

    await controls.getByRole('button', { name: 'Delete' }).click();
    await page.locator('#confirmDeletePost').click();
    await page.waitForURL(site.url('/'));
    expect((await site.app.inject(`/api/posts/${postId}`)).statusCode).toBe(404);
    await tab.close();
  });
});
