// Tags (SPEC section 13) through the API: names normalised and limited, a tag's feed paged by cursor
// while posts are added, counts of published posts through every change, and GET /api/tags.
// Runs on PGlite, and on the real server when TEST_DATABASE_URL is set.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp, type TestUser } from '../../test/support/index.js';
import { normaliseTag } from './tags.service.js';

interface PostJson {
  id: number;
  tags: string[];
  status: string;
}
interface PageJson {
  posts: PostJson[];
  total: number;
  has_more: boolean;
  next_cursor: string | null;
}
interface TagsJson {
  tags: { name: string; posts: number }[];
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

const get = (url: string) => t.app.inject({ url });

async function write(payload: Record<string, unknown>, method = 'POST', id?: number) {
  const response = await t.app.inject({
    method: method as 'POST',
    url: id === undefined ? '/api/posts' : `/api/posts/${id}`,
    headers: author.headers,
    payload: { content: 'Words.', ...payload },
  });
  expect(response.statusCode, response.body).toBe(id === undefined ? 201 : 200);
  return response.json<PostJson>();
}

async function tagCounts(query = ''): Promise<Record<string, number>> {
  const response = await get(`/api/tags${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return Object.fromEntries(response.json<TagsJson>().tags.map((tag) => [tag.name, tag.posts]));
}

describe('tag names', () => {
  it('are trimmed, lower-cased, spaces become "-", duplicates dropped and the order kept', async () => {
    const post = await write({ tags: ['  Web Dev ', 'TypeScript', 'web-dev', 'a  b', 'typescript'] });
    expect(post.tags).toEqual(['web-dev', 'typescript', 'a-b']);
    const read = await get(`/api/posts/${post.id}`);
    expect(read.json<PostJson>().tags).toEqual(['web-dev', 'typescript', 'a-b']);
    expect(normaliseTag('x'.repeat(30))).toBe('x'.repeat(30));
    expect(normaliseTag('x'.repeat(31))).toBeUndefined();
  });

  it.each([
    ['an empty tag', ['']],
    ['spaces only', ['   ']],
    ['a letter outside a-z', ['café']],
    ['punctuation', ['c++']],
    ['31 characters', ['x'.repeat(31)]],
    ['six tags', ['a', 'b', 'c', 'd', 'e', 'f']],
  ])('refuse %s with a 422 on the tags field', async (_case, tags) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: author.headers,
      payload: { content: 'Words.', tags },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ detail: [{ loc: ['body', 'tags'], type: 'value_error' }] });
    expect((await get('/api/posts')).json<PageJson>().total).toBe(0);
  });

  it('allow five tags, and six that are five after duplicates go', async () => {
    const post = await write({ tags: ['a', 'b', 'c', 'd', 'e', 'A'] });
    expect(post.tags).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('refuse a tag filter that cannot be a tag with a 422 on the query', async () => {
    const response = await get('/api/posts?tag=c%2B%2B');
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ detail: [{ loc: ['query', 'tag'] }] });
  });
});

describe('a post’s tags', () => {
  it('change with PATCH when sent, stay when not, and go with PUT without them', async () => {
    const post = await write({ tags: ['one', 'two'] });
    expect((await write({ title: 'New title' }, 'PATCH', post.id)).tags).toEqual(['one', 'two']);
    expect((await write({ tags: ['two', 'three'] }, 'PATCH', post.id)).tags).toEqual(['two', 'three']);
    expect((await write({ content: 'Again.' }, 'PUT', post.id)).tags).toEqual([]);
  });
});

describe('GET /api/posts?tag=', () => {
  it('lists the tag’s published posts, newest first, with its total', async () => {
    const first = await write({ tags: ['news'] });
    await write({ tags: ['other'] });
    await write({ tags: ['news'], status: 'draft' });
    const third = await write({ tags: ['Other', 'News'] });
    const page = (await get('/api/posts?tag=News')).json<PageJson>();
    expect(page.posts.map((post) => post.id)).toEqual([third.id, first.id]);
    expect(page.total).toBe(2);
    expect(page.posts[0]?.tags).toEqual(['other', 'news']);
    expect((await get('/api/posts?tag=nothing-here')).json<PageJson>()).toMatchObject({
      posts: [],
      total: 0,
    });
  });

  it('pages by cursor with no duplicates and no gaps while posts are added', async () => {
    const written: number[] = [];
    for (let i = 0; i < 12; i += 1)
      written.push((await write({ tags: i % 3 === 0 ? ['x'] : ['tagged'] })).id);
    const expected = written.filter((_, i) => i % 3 !== 0).reverse();
    const seen: number[] = [];
    let url = '/api/posts?tag=tagged&limit=3';
    for (;;) {
      const page = (await get(url)).json<PageJson>();
      seen.push(...page.posts.map((post) => post.id));
      // New posts of the tag arrive between pages: they are newer, so they belong before page 1.
      await write({ tags: ['tagged'] });
      if (!page.next_cursor) break;
      url = `/api/posts?tag=tagged&limit=3&cursor=${encodeURIComponent(page.next_cursor)}`;
    }
    expect(seen).toEqual(expected);
  });

  it('pages by skip as the main feed does', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await write({ tags: ['deep'] })).id);
    const page = (await get('/api/posts?tag=deep&skip=3&limit=5')).json<PageJson>();
    expect(page.posts.map((post) => post.id)).toEqual([ids[1], ids[0]]);
    expect(page).toMatchObject({ total: 5, has_more: false });
  });
});

describe('tag counts', () => {
  it('follow create, edit, draft, publish and delete, counting published posts only', async () => {
    const a = await write({ tags: ['alpha', 'beta'] });
    const b = await write({ tags: ['alpha'] });
    await write({ tags: ['alpha', 'gamma'], status: 'draft' });
    expect(await tagCounts()).toEqual({ alpha: 2, beta: 1 });

    await write({ tags: ['beta', 'gamma'] }, 'PATCH', b.id);
    expect(await tagCounts()).toEqual({ alpha: 1, beta: 2, gamma: 1 });

    await write({ status: 'draft' }, 'PATCH', a.id);
    expect(await tagCounts()).toEqual({ beta: 1, gamma: 1 });
    expect((await get('/api/posts?tag=alpha')).json<PageJson>()).toMatchObject({ posts: [], total: 0 });

    await write({ status: 'published' }, 'PATCH', a.id);
    expect(await tagCounts()).toEqual({ alpha: 1, beta: 2, gamma: 1 });

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/posts/${b.id}`,
      headers: author.headers,
    });
    expect(deleted.statusCode).toBe(204);
    expect(await tagCounts()).toEqual({ alpha: 1, beta: 1 });
  });

  it('go when the author’s account is deleted', async () => {
    await write({ tags: ['gone'] });
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${author.id}`,
      headers: author.headers,
    });
    expect(response.statusCode).toBe(204);
    expect(await tagCounts()).toEqual({});
  });
});

describe('GET /api/tags', () => {
  it('answers the most used first, limited, and by prefix for suggestions', async () => {
    await write({ tags: ['java', 'javascript', 'rust'] });
    await write({ tags: ['javascript', 'rust'] });
    await write({ tags: ['javascript'] });
    expect((await get('/api/tags')).json<TagsJson>().tags).toEqual([
      { name: 'javascript', posts: 3 },
      { name: 'rust', posts: 2 },
      { name: 'java', posts: 1 },
    ]);
    expect((await get('/api/tags?limit=1')).json<TagsJson>().tags).toEqual([
      { name: 'javascript', posts: 3 },
    ]);
    expect(Object.keys(await tagCounts('?q=JAV'))).toEqual(['javascript', 'java']);
    expect(await tagCounts('?q=%25')).toEqual({});
    expect((await get('/api/tags?limit=101')).statusCode).toBe(422);
  });
});
