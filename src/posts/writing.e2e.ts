// Writing in the browser: the editor (preview, image, draft, schedule, publish), text that survives a
// reload and an expired session, My drafts, and the article read on a phone and a desktop, light and dark.
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPost,
  launchBrowser,
  logIn,
  openTab,
  seriousViolations,
  signUp,
  startSite,
  type Site,
} from '../../e2e/harness.js';

let site: Site;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

beforeEach(() => site.reset());

interface PostJson {
  id: number;
  status: string;
  publish_at: string | null;
  content: string;
}

async function postAsApi(id: number, token: string): Promise<PostJson> {
  const response = await site.app.inject({
    url: `/api/posts/${id}`,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.statusCode).toBe(200);
  return response.json<PostJson>();
}

const MARKDOWN = [
  '# A harbour at dawn',
  '',
  'The boats go out **before** the light.',
  '',
  '```js',
  'const tide = 4.2;',
  '```',
  '',
  '| Boat | Catch |',
  '| --- | --- |',
  '| Maria | sardines |',
  '',
].join('\n');

describe('the editor', () => {
  it('previews, inserts an image, saves a draft, schedules and publishes a post', async () => {
    const writer = await signUp(site.app, { username: 'Rosa Mar', email: 'rosa@example.com' });
    const tab = await openTab(browser, site, { token: writer.token });
    const { page } = tab;

    await tab.visit('/editor');
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    expect(await page.locator('#editorState').textContent()).toBe('Not saved yet');
    await page.locator('#titleInput').fill('Morning at the harbour');
    await page.locator('#descriptionInput').fill('Fishing boats, fog, and a tide table.');
    await page.locator('#contentInput').fill(MARKDOWN);
    // On a wide screen the preview sits beside the text and follows it: the server's rendering.
    await page.locator('#previewContent h2#heading-a-harbour-at-dawn').waitFor();
    expect(await page.locator('#previewContent strong').textContent()).toBe('before');
    expect(await page.locator('#previewContent .hljs-keyword').textContent()).toBe('const');
    expect(await page.locator('#previewContent td').first().textContent()).toBe('Maria');

    // An image goes in where the cursor is.
    await page.locator('#contentInput').evaluate((area: HTMLTextAreaElement) => {
      const at = area.value.indexOf('The boats');
      area.setSelectionRange(at, at);
    });
    const image = await sharp({
      create: { width: 1200, height: 600, channels: 3, background: { r: 30, g: 90, b: 140 } },
    })
      .png()
      .toBuffer();
    await page.locator('#insertImage').click();
    await page
      .locator('#imageInput')
      .setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: image });
    // The first upload starts the image process: allow it a while on a busy machine.
    await expect
      .poll(() => page.locator('#contentInput').inputValue(), { timeout: 30_000 })
      .toMatch(/^# A harbour at dawn\n\n!\[harbour\]\(\/media\/posts\/[\w-]+-1200x600\.webp\)\nThe boats/);
    await page.locator('#previewContent img[alt="harbour"]').waitFor();

    // Save draft: stored, not published, listed in My drafts.
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/editor\/\d+$/);
    const postId = Number(new URL(page.url()).pathname.split('/').pop());
    await expect.poll(() => page.locator('#editorState').textContent()).toMatch(/^Draft saved at /);
    expect((await postAsApi(postId, writer.token)).status).toBe('draft');
    expect((await site.app.inject(`/posts/${postId}`)).statusCode).toBe(404);

    await tab.visit('/drafts');
    await page.locator('#drafts').waitFor({ state: 'visible' });
    expect(await page.locator('#draftList .draft-item a').textContent()).toBe('Morning at the harbour');
    expect(await page.locator('#scheduledEmpty').isVisible()).toBe(true);
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/editor/${postId}`),
      page.locator('#draftList .draft-item a').click(),
    ]);
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    expect(await page.locator('#titleInput').inputValue()).toBe('Morning at the harbour');

    // Schedule: a time in the past is refused on the field; a future one schedules the post.
    await page.locator('#publishAtInput').fill('2020-01-01T09:00');
    await page.getByRole('button', { name: 'Schedule' }).click();
    expect(await page.locator('#publishAtInputError').textContent()).toBe('Choose a time in the future.');
    expect(await page.locator('#publishAtInput').getAttribute('aria-invalid')).toBe('true');
    const inADay = new Date(Date.now() + 24 * 3600_000);
    const local = new Date(inADay.getTime() - inADay.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.locator('#publishAtInput').fill(local);
    await page.getByRole('button', { name: 'Schedule' }).click();
    await expect.poll(() => page.locator('#editorState').textContent()).toMatch(/^Scheduled for /);
    const scheduled = await postAsApi(postId, writer.token);
    expect(scheduled.status).toBe('scheduled');
    expect(Math.abs(Date.parse(scheduled.publish_at!) - Date.parse(`${local}:00`))).toBeLessThan(60_000);
    await tab.visit('/drafts');
    await page.locator('#scheduledList .draft-item').waitFor();
    expect(await page.locator('#scheduledList .draft-item p').last().textContent()).toMatch(/^Publishes /);

    // Publish now: the article, at its canonical address.
    await tab.visit(`/editor/${postId}`);
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    await Promise.all([
      page.waitForURL(new RegExp(`/posts/${postId}/morning-at-the-harbour$`)),
      page.getByRole('button', { name: 'Publish now' }).click(),
    ]);
    expect(await page.locator('.article-title').textContent()).toBe('Morning at the harbour');
    expect(await page.locator('.article-description').textContent()).toBe(
      'Fishing boats, fog, and a tide table.',
    );
    await page.locator('.article-content img[alt="harbour"][srcset]').waitFor();
    expect(await page.locator('.article-content .hljs-keyword').textContent()).toBe('const');
    expect((await postAsApi(postId, writer.token)).status).toBe('published');
    await tab.close();
  });

  it('suggests used tags as they are typed, saves them with the post, and says which name it refuses', async () => {
    const other = await signUp(site.app, { username: 'Ines', email: 'ines@example.com' });
    await createPost(site.app, other, {
      title: 'Stars',
      content: 'Orion.',
      tags: ['night-sky', 'nightjars'],
    });
    const writer = await signUp(site.app, { username: 'Rosa Mar', email: 'rosa@example.com' });
    const tab = await openTab(browser, site, { token: writer.token });
    const { page } = tab;
    await tab.visit('/editor');
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    await page.locator('#contentInput').fill('The boats go out before the light.');

    // The suggestions complete the name after the last comma and keep the ones before it.
    await page.locator('#tagsInput').pressSequentially('Harbour, nigh');
    await expect
      .poll(() =>
        page
          .locator('#tagSuggestions option')
          .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)),
      )
      .toEqual(['Harbour, night-sky', 'Harbour, nightjars']);

    // A name that cannot be a tag is refused on the field, with the reason.
    await page.locator('#tagsInput').fill('Harbour, c++');
    tab.watch.expectConsoleError(/the server responded with a status of 422/);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.locator('#tagsInputError').textContent()).toMatch(/^"c\+\+" is not a tag/);
    expect(await page.locator('#tagsInput').getAttribute('aria-invalid')).toBe('true');

    await page.locator('#tagsInput').fill('Harbour, night-sky');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/editor\/\d+$/);
    const postId = Number(new URL(page.url()).pathname.split('/').pop());
    const saved = await site.app.inject({ url: `/api/posts/${postId}`, headers: writer.headers });
    expect(saved.json<{ tags: string[] }>().tags).toEqual(['harbour', 'night-sky']);

    // Opened again, the editor shows them as saved.
    await tab.visit(`/editor/${postId}`);
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    expect(await page.locator('#tagsInput').inputValue()).toBe('harbour, night-sky');
    await tab.close();
  });

  it('keeps unsaved text through a reload and through a session that expired mid-edit', async () => {
    const writer = await signUp(site.app, { username: 'Keeper', email: 'keeper@example.com' });
    // On a phone: Write and Preview are tabs, and nothing is previewed unless asked.
    const tab = await openTab(browser, site, { token: writer.token, viewport: { width: 390, height: 844 } });
    const { page } = tab;

    await tab.visit('/editor');
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    await page.locator('#titleInput').fill('Half a thought');
    await page.locator('#contentInput').fill('Written, then the tab was closed by accident.');
    await page.waitForTimeout(400);
    await tab.visit('/editor');
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    expect(await page.locator('#titleInput').inputValue()).toBe('Half a thought');
    expect(await page.locator('#contentInput').inputValue()).toBe(
      'Written, then the tab was closed by accident.',
    );
    expect(await page.locator('#editorNotice').textContent()).toMatch(
      /Your unsaved changes from .* are back\./,
    );

    // The token stops being good while the writer types: saving says so, and loses nothing.
    await page.evaluate(() => localStorage.setItem('access_token', 'expired.token.value'));
    await page.locator('#contentInput').fill('Written, then the session ran out. Still here?');
    tab.watch.expectConsoleError(/the server responded with a status of 401/);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.locator('#editorNotice a', { hasText: 'log in again' }).waitFor();
    expect(await page.locator('#editorNotice').textContent()).toContain('Your text is kept on this device');
    await tab.watch.expectClean();

    await Promise.all([
      page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('next') === '/editor'),
      page.locator('#editorNotice a').click(),
    ]);
    await page.locator('#emailInput').fill('keeper@example.com');
    await page.locator('#passwordInput').fill(writer.password);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/editor'),
      page.getByRole('button', { name: 'Log in' }).click(),
    ]);
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    expect(await page.locator('#contentInput').inputValue()).toBe(
      'Written, then the session ran out. Still here?',
    );
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/editor\/\d+$/);
    const postId = Number(new URL(page.url()).pathname.split('/').pop());
    expect((await postAsApi(postId, await logIn(site.app, writer.email, writer.password))).content).toBe(
      'Written, then the session ran out. Still here?',
    );
    // Saved, the kept copy is gone: the next visit shows no notice.
    await tab.visit(`/editor/${postId}`);
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    expect(await page.locator('#editorNotice').isHidden()).toBe(true);
    await tab.close();
  });
});

describe('reading an article', () => {
  it('fits a phone and a desktop, in light and dark, with no serious accessibility violation', async () => {
    const writer = await signUp(site.app, { username: 'Reader Friendly', email: 'reader@example.com' });
    const created = await site.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: writer.headers,
      payload: {
        title: 'A table, some code and a very long word',
        description: 'Checking the measure.',
        content: `${MARKDOWN}\n| ${'wide column '.repeat(12)} | b |\n| --- | --- |\n| x | y |\n\nPneumonoultramicroscopicsilicovolcanoconiosis ${'and more words '.repeat(80)}`,
      },
    });
    const post = created.json<{ id: number; slug: string }>();
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1280, height: 800 },
    ]) {
      for (const theme of ['light', 'dark'] as const) {
        const tab = await openTab(browser, site, { viewport, theme });
        await tab.visit(`/posts/${post.id}/${post.slug}`);
        const { page } = tab;
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(
          true,
        );
        const measure = await page
          .locator('.article-content p')
          .first()
          .evaluate((p) => {
            const size = parseFloat(getComputedStyle(p).fontSize);
            return p.getBoundingClientRect().width / (size * 0.5);
          });
        // About 70 characters a line on a desktop (a character is about half the font size wide).
        if (viewport.width === 1280) expect(measure).toBeGreaterThan(60);
        if (viewport.width === 1280) expect(measure).toBeLessThan(90);
        expect(await seriousViolations(page), `${viewport.width} ${theme}`).toEqual([]);
        await tab.close();
      }
    }
  });
});
