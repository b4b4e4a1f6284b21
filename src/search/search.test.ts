// Search (SPEC section 14) through the API: the web syntax (phrases, exclusion, or), stemming,
// relevance (title over text) then newest, snippets as plain-text parts, drafts never found.
// Runs on PGlite, and on the real server when TEST_DATABASE_URL is set.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp, type TestUser } from '../../test/support/index.js';
import { RANKED_CANDIDATES } from './limits.js';
import { SearchRepository } from './search.repository.js';
import { SearchService, snippetOf } from './search.service.js';

interface Hit {
  id: number;
  title: string | null;
  snippet: { text: string; match: boolean }[];
}
interface Results {
  posts: Hit[];
  total: number;
  has_more: boolean;
  next_cursor: string | null;
}

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

async function write(payload: Record<string, unknown>, method = 'POST', id?: number): Promise<number> {
  const response = await t.app.inject({
    method: method as 'POST',
    url: id === undefined ? '/api/posts' : `/api/posts/${id}`,
    headers: author.headers,
    payload,
  });
  expect(response.statusCode, response.body).toBe(id === undefined ? 201 : 200);
  return response.json<{ id: number }>().id;
}

async function search(q: string, extra = ''): Promise<Results> {
  const response = await t.app.inject({ url: `/api/posts?q=${encodeURIComponent(q)}${extra}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Results>();
}

const ids = async (q: string) => (await search(q)).posts.map((post) => post.id);

describe('GET /api/posts?q=', () => {
  it('finds words, phrases, excludes with -, and takes "or"', async () => {
    const cats = await write({ title: 'On cats', content: 'The quick brown fox watched the cats.' });
    const dogs = await write({ title: 'On dogs', content: 'A brown dog, quick to bark.' });
    const both = await write({ title: 'Pets', content: 'Cats and dogs; quick brown animals.' });
    expect(new Set(await ids('quick brown'))).toEqual(new Set([cats, dogs, both]));
    expect(await ids('"quick brown fox"')).toEqual([cats]);
    expect(new Set(await ids('brown -dogs'))).toEqual(new Set([cats]));
    expect(new Set(await ids('fox or bark'))).toEqual(new Set([cats, dogs]));
    expect(await ids('giraffe')).toEqual([]);
  });

  it('stems English words: "running" finds "runs"', async () => {
    const runs = await write({ content: 'She runs every morning.' });
    await write({ content: 'Nothing to see.' });
    expect(await ids('running')).toEqual([runs]);
  });

  it('ranks a match in the title over one in the text, then the newest first', async () => {
    const inTitle = await write({ title: 'Gardening', content: 'Notes from the weekend.' });
    const inText = await write({ title: 'Weekend', content: 'Some gardening, some reading.' });
    const newerInText = await write({ title: 'Sunday', content: 'More gardening today.' });
    expect(await ids('gardening')).toEqual([inTitle, newerInText, inText]);
  });

  it('searches descriptions and tags as well', async () => {
    const described = await write({ content: 'Body.', description: 'About volcanoes' });
    const tagged = await write({ content: 'Body.', tags: ['volcanoes'] });
    expect(new Set(await ids('volcano'))).toEqual(new Set([described, tagged]));
  });

  it('never finds drafts or scheduled posts, and finds a draft once published', async () => {
    const draft = await write({ content: 'Secret zeppelin plans.', status: 'draft' });
    await write({ content: 'Zeppelin soon.', publish_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(await search('zeppelin')).toMatchObject({ posts: [], total: 0 });
    await write({ status: 'published' }, 'PATCH', draft);
    expect(await ids('zeppelin')).toEqual([draft]);
    await write({ status: 'draft' }, 'PATCH', draft);
    expect(await ids('zeppelin')).toEqual([]);
  });

  it('follows edits and deletions', async () => {
    const id = await write({ content: 'About otters.' });
    await write({ content: 'About beavers.' }, 'PATCH', id);
    expect(await ids('otters')).toEqual([]);
    expect(await ids('beavers')).toEqual([id]);
    await t.app.inject({ method: 'DELETE', url: `/api/posts/${id}`, headers: author.headers });
    expect(await ids('beavers')).toEqual([]);
  });

  it('follows a re-render: the renderer job indexes the new text, with the title, description and tags', async () => {
    const id = await write({
      title: 'Harbour notes',
      description: 'Tides',
      content: 'The **lighthouse** keeper waves.',
      tags: ['coast'],
    });
    // As a post stored by an older renderer, whose text search kept then (here with the Markdown left in,
    // a word the new text lacks, and neither description nor tags, as rows indexed from HTML were).
    await t.app.database.db.execute(sql`UPDATE posts SET render_version = 0 WHERE id = ${id}`);
    await t.app.database.db.execute(
      sql`UPDATE post_search SET title = '', summary = '', body = 'The **lighthouse** keeper obsoleteword.'
          WHERE post_id = ${id}`,
    );
    expect(await ids('obsoleteword')).toEqual([id]);
    expect(await ids('coast')).toEqual([]);

    await t.app.postsService.queueLeftoverWork();
    await t.app.jobs.runDue();

    expect(await ids('obsoleteword')).toEqual([]);
    for (const q of ['waves', 'harbour', 'tides', 'coast']) expect(await ids(q)).toEqual([id]);
    const [hit] = (await search('lighthouse')).posts;
    const text = hit?.snippet.map((part) => part.text).join('') ?? '';
    expect(text).toContain('lighthouse keeper waves');
    expect(text).not.toContain('**');
  });

  it('answers snippets as plain-text parts with the matches marked', async () => {
    await write({ content: `${'Filler words here. '.repeat(30)}The **walrus** sings.` });
    const [hit] = (await search('walrus')).posts;
    expect(hit?.snippet.filter((part) => part.match).map((part) => part.text)).toEqual(['walrus']);
    const text = hit?.snippet.map((part) => part.text).join('') ?? '';
    expect(text).toContain('walrus sings');
    expect(text).not.toContain('**');
  });

  it('keeps hostile content out of snippets as markup: no HTML is ever produced', async () => {
    await write({
      title: 'Hostile',
      content:
        'A <script>alert(1)</script> <img src=x onerror=alert(2)> payload \u0001 with marks\u0002 inside.',
    });
    const [hit] = (await search('payload')).posts;
    expect(hit).toBeDefined();
    for (const part of hit!.snippet) {
      expect(part.text).not.toMatch(/<\s*(script|img)/i);
      expect(part.text.includes('\u0001') || part.text.includes('\u0002')).toBe(false);
    }
    expect(hit!.snippet.filter((part) => part.match).map((part) => part.text)).toEqual(['payload']);
  });

  it('pages by skip, with a total and no cursor', async () => {
    for (let i = 0; i < 5; i += 1) await write({ content: `Pebble number ${i}.` });
    const first = await search('pebble', '&limit=2');
    expect(first).toMatchObject({ total: 5, has_more: true, next_cursor: null });
    const last = await search('pebble', '&limit=2&skip=4');
    expect(last.posts).toHaveLength(1);
    expect(last.has_more).toBe(false);
    const all = [...first.posts, ...(await search('pebble', '&limit=2&skip=2')).posts, ...last.posts];
    expect(new Set(all.map((post) => post.id)).size).toBe(5);
  });

  it('follows a change of SEARCH_LANGUAGE at the next start, and rewrites nothing when it did not change', async () => {
    const runs = await write({ content: 'She runs every morning.' });
    expect(await ids('running')).toEqual([runs]);
    // A start with SEARCH_LANGUAGE=simple: the rows are rewritten; English stems no longer match them.
    const simple = new SearchService(new SearchRepository(t.app.database, RANKED_CANDIDATES), 'simple');
    expect(await simple.prepare()).toBe(1);
    expect(await simple.prepare()).toBe(0);
    // (Each time a new spelling of the query: a restarted process has an empty render cache, this one
    // has not.)
    expect(await ids('RUNNING')).toEqual([]);
    // Back to English (the app's setting): rewritten again, found again.
    expect(await t.app.searchService.prepare()).toBe(1);
    expect(await t.app.searchService.prepare()).toBe(0);
    expect(await ids('Running')).toEqual([runs]);
  });

  it('refuses an empty or too long query, and q with tag, with a 422', async () => {
    for (const url of ['/api/posts?q=', `/api/posts?q=${'a'.repeat(201)}`, '/api/posts?q=x&tag=y']) {
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(422);
    }
  });

  it('answers nothing (not an error) for stop words or punctuation alone', async () => {
    await write({ content: 'The and of.' });
    expect(await search('the')).toMatchObject({ posts: [], total: 0 });
    expect(await search('"" - or')).toMatchObject({ posts: [] });
  });
});

describe('snippetOf', () => {
  it('cuts a headline at its marks', () => {
    expect(snippetOf('a \u0001b\u0002 c\u0001d\u0002')).toEqual([
      { text: 'a ', match: false },
      { text: 'b', match: true },
      { text: ' c', match: false },
      { text: 'd', match: true },
    ]);
  });
});
