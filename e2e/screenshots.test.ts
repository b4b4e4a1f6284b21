// Screenshots of the main pages on a desktop and a phone, with some realistic posts, for the README.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPost,
  launchBrowser,
  openTab,
  signUp,
  startSite,
  type Site,
  type TestUser,
} from './harness.js';

const OUTPUT = path.resolve(import.meta.dirname, '../docs/screenshots');
const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

let site: Site;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
  await mkdir(OUTPUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** A round-looking avatar: the initials on a diagonal gradient. */
function avatar(initials: string, from: string, to: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/>
    </linearGradient></defs>
    <rect width="400" height="400" fill="url(#g)"/>
    <text x="200" y="250" font-family="DejaVu Sans" font-size="150" font-weight="bold"
      fill="#ffffff" fill-opacity="0.92" text-anchor="middle">${initials}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A landscape "photo" for a post: a sky-to-sea gradient with a sun. */
function landscape(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1800" height="900">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#1d3557"/><stop offset="0.55" stop-color="#e76f51"/>
      <stop offset="0.56" stop-color="#264653"/><stop offset="1" stop-color="#2a9d8f"/>
    </linearGradient></defs>
    <rect width="1800" height="900" fill="url(#sky)"/>
    <circle cx="1200" cy="470" r="120" fill="#f4a261"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

async function uploadMedia(user: TestUser, picture: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(picture)], { type: 'image/jpeg' }), 'douro.jpg');
  const response = await fetch(site.url('/api/media'), { method: 'POST', headers: user.headers, body: form });
  expect(response.status).toBe(201);
  return ((await response.json()) as { url: string }).url;
}

async function uploadPicture(user: TestUser, picture: Buffer): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(picture)], { type: 'image/png' }), 'avatar.png');
  const response = await fetch(site.url(`/api/users/${user.id}/picture`), {
    method: 'PATCH',
    headers: user.headers,
    body: form,
  });
  expect(response.status).toBe(200);
}

async function like(user: TestUser, postId: number): Promise<void> {
  const response = await site.app.inject({
    method: 'POST',
    url: `/api/posts/${postId}/like`,
    headers: user.headers,
  });
  expect(response.statusCode).toBe(200);
}

describe('screenshots', () => {
  it('captures the home, article, editor, drafts and account pages at 1280x800 and 390x844', async () => {
    const maya = await signUp(site.app, { username: 'Maya Chen', email: 'maya@example.com' });
    const tomas = await signUp(site.app, { username: 'Tomás Ferreira', email: 'tomas@example.com' });
    const priya = await signUp(site.app, { username: 'Priya Raman', email: 'priya@example.com' });
    await Promise.all([
      uploadPicture(maya, await avatar('MC', '#6f42c1', '#d63384')),
      uploadPicture(tomas, await avatar('TF', '#198754', '#20c997')),
      uploadPicture(priya, await avatar('PR', '#fd7e14', '#dc3545')),
    ]);

    await createPost(site.app, tomas, {
      title: 'Sourdough, week three',
      content:
        'The starter finally doubles in six hours. Next step: a loaf that does not double as a doorstop.',
    });
    await createPost(site.app, priya, {
      title: null,
      content: 'Reminder to self: the best time to write the README is before anyone asks for it.',
    });
    await createPost(site.app, maya, {
      title: 'Why I switched my side project to PostgreSQL',
      content:
        'SQLite carried it for two years. Then came a second server, and with it the need for real ' +
        'concurrency, row locks and LISTEN/NOTIFY. The migration took one weekend.',
    });
    const photo = await uploadMedia(maya, await landscape());
    const featured = await createPost(site.app, maya, {
      title: 'Five things I learned running a small blog',
      description: 'Two years, one server, and the notes I wish I had on day one.',
      content: [
        'Keep the pages fast: every page here is rendered on the server and weighs less than the logo ' +
          'of most sites.',
        '',
        `![Evening over the Douro](${photo})`,
        '',
        '## 1. Write down what you decide',
        '',
        'And *why*. Future you is a newcomer too. A short `DECISIONS.md` beats a long memory:',
        '',
        '```ts',
        '// The feed is read far more often than it is written.',
        'const page = await posts.feed({ limit: 10, cursor });',
        "if (page.next_cursor === null) console.log('that was everything');",
        '```',
        '',
        '## 2. Measure before you tune',
        '',
        '| Page | p50 | p99 |',
        '| --- | ---: | ---: |',
        '| Home | 4 ms | 11 ms |',
        '| Article | 3 ms | 9 ms |',
        '| Search | 12 ms | 38 ms |',
        '',
        '> A backup you never restored is a hope, not a plan.',
        '',
        '- [x] Nightly dumps',
        '- [x] A restore drill every month',
        '- [ ] Sleep through the night',
      ].join('\n'),
    });
    await createPost(site.app, maya, {
      title: 'Notes for a talk on caching',
      content: 'Start with the question nobody asks: what may be a minute old?',
      status: 'draft',
    });
    await createPost(site.app, maya, {
      title: 'What a year of writing taught me',
      description: 'Out on the first of the month.',
      content: 'Consistency beats intensity.',
      publish_at: new Date(Date.now() + 7 * 24 * 3600_000).toISOString(),
    });
    await createPost(site.app, tomas, {
      title: 'A quiet morning on the Douro',
      content: 'Fog on the river, the first tram rattling by, and coffee strong enough to stand a spoon in.',
    });
    const latest = await createPost(site.app, priya, {
      title: 'Dark mode, done properly',
      content:
        'Not just inverted colours: every text keeps a 4.5:1 contrast, and the page picks the theme ' +
        'before the first paint, so there is no white flash at night.',
    });
    await like(tomas, featured);
    await like(priya, featured);
    await like(maya, latest);
    await like(tomas, latest);

    for (const { width, height } of SIZES) {
      const tab = await openTab(browser, site, {
        viewport: { width, height },
        token: maya.token,
        theme: 'light',
      });
      const { page } = tab;
      const shoot = async (name: string, { fullPage = false } = {}) => {
        // Every picture has loaded (lazy ones too, for a whole page).
        if (fullPage) {
          await page.evaluate(() =>
            document
              .querySelectorAll('img[loading="lazy"]')
              .forEach((image) => image.setAttribute('loading', 'eager')),
          );
        }
        await page.waitForFunction(() => [...document.images].every((image) => image.complete));
        const file = path.join(OUTPUT, `${name}-${width}.png`);
        await page.screenshot({ path: file, fullPage });
        expect((await stat(file)).size).toBeGreaterThan(10_000);
        const meta = await sharp(file).metadata();
        expect(meta.width).toBe(width);
        if (fullPage) expect(meta.height).toBeGreaterThan(height);
        else expect(meta.height).toBe(height);
      };

      await tab.visit('/');
      await page.locator('#navUsername', { hasText: 'Maya Chen' }).waitFor({ state: 'attached' });
      await shoot('home');

      await tab.visit(`/posts/${featured}`);
      await page.locator('#ownerControls').waitFor({ state: 'visible' });
      await page.locator('#likeButton:not([disabled])').waitFor();
      await shoot('post');
      await shoot('article', { fullPage: true });

      await tab.visit(`/editor/${featured}`);
      await page.locator('#editorForm').waitFor({ state: 'visible' });
      if (width >= 992) await page.locator('#previewContent h3').first().waitFor();
      await shoot('editor');

      await tab.visit('/drafts');
      await page.locator('#drafts').waitFor({ state: 'visible' });
      await shoot('drafts');

      await tab.visit('/account');
      await page.locator('#account').waitFor({ state: 'visible' });
      await shoot('account');

      // The home page and the article in the dark theme as well.
      await page.evaluate(() => localStorage.setItem('theme', 'dark'));
      await tab.visit('/');
      await page.locator('#navUsername', { hasText: 'Maya Chen' }).waitFor({ state: 'attached' });
      await shoot('home-dark');
      await tab.visit(`/posts/${featured}`);
      await page.locator('#likeButton:not([disabled])').waitFor();
      await shoot('article-dark', { fullPage: true });
      await tab.close();
    }
  });
});
