// The pages of tags and search (SPEC sections 13 and 14) as a reader gets them: a tag's page and Atom
// feed, tag chips on cards, tags in the sitemap, the navbar's search box and the search page with its
// matches marked and hostile text escaped. Runs on PGlite, and on the real server with TEST_DATABASE_URL.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp, type TestUser } from '../../test/support/index.js';

let t: TestApp;
let author: TestUser;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  author = await signUp(t.app);
});

async function write(payload: Record<string, unknown>): Promise<number> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/posts',
    headers: author.headers,
    payload,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: number }>().id;
}

describe('tag pages', () => {
  it('list the tag’s published posts with chips, Load More from the API and a feed link', async () => {
    await write({ title: 'Tagged one', content: 'Words.', tags: ['Night Sky'] });
    await write({ title: 'Hidden draft', content: 'Words.', tags: ['night-sky'], status: 'draft' });
    const page = await t.app.inject({ url: '/tags/night-sky' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="h3 mb-0">#night-sky</h1>');
    expect(page.body).toContain('Tagged one');
    expect(page.body).not.toContain('Hidden draft');
    expect(page.body).toContain('data-source="/api/posts?tag=night-sky"');
    expect(page.body).toContain('href="/tags/night-sky/feed.xml"');
    const home = await t.app.inject({ url: '/' });
    expect(home.body).toContain('href="/tags/night-sky"');
  });

  it('answer 404 for a tag without published posts, and 301 to the normalised name', async () => {
    await write({ content: 'Words.', tags: ['astro'] });
    expect((await t.app.inject({ url: '/tags/nothing' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/tags/c++' })).statusCode).toBe(404);
    const moved = await t.app.inject({ url: '/tags/ASTRO' });
    expect(moved.statusCode).toBe(301);
    expect(moved.headers.location).toBe('/tags/astro');
  });

  it('have an Atom feed of the tag’s posts, and are in the sitemap', async () => {
    await write({ title: 'In the feed', content: 'Words.', tags: ['astro'] });
    await write({ title: 'Not in it', content: 'Words.', tags: ['other'] });
    const feed = await t.app.inject({ url: '/tags/astro/feed.xml' });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toContain('application/atom+xml');
    expect(feed.body).toContain('<title>In the feed</title>');
    expect(feed.body).not.toContain('Not in it');
    expect(feed.body).toContain('<category term="astro"/>');
    const sitemap = await t.app.inject({ url: '/sitemap.xml' });
    expect(sitemap.body).toContain('/tags/astro</loc>');
    expect(sitemap.body).toContain('/tags/other</loc>');
  });
});

describe('search pages', () => {
  it('every page has a search box in the navbar that goes to /search', async () => {
    const home = await t.app.inject({ url: '/' });
    expect(home.body).toMatch(/<form[^>]*role="search"[^>]*action="\/search"/);
  });

  it('/search?q= shows the matches marked, with hostile text escaped', async () => {
    await write({
      title: 'Telescopes',
      content: 'A <script>alert(1)</script> guide to telescopes and <b>lenses</b>.',
    });
    const page = await t.app.inject({ url: `/search?q=${encodeURIComponent('telescope lenses')}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<mark>telescopes</mark>');
    expect(page.body).toContain('<mark>lenses</mark>');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).not.toContain('<b>lenses');
    expect(page.body).toContain('1 post matches');
  });

  it('shows the form alone without a query, and says when nothing matches', async () => {
    const empty = await t.app.inject({ url: '/search' });
    expect(empty.statusCode).toBe(200);
    expect(empty.body).not.toContain('searchResults');
    const none = await t.app.inject({ url: '/search?q=nothing' });
    expect(none.body).toContain('No posts match.');
  });
});
