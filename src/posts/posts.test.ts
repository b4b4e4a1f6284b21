import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { posts } from '../posts/posts.table.js';
import { createTestApp, signUp, type TestApp, type TestUser } from '../../test/support/index.js';

const ISO_UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DEFAULT_AVATAR = '/static/profile_pics/default.jpg';

interface PostJson {
  id: number;
  title: string | null;
  content: string;
  user_id: number;
  date_posted: string;
  updated_at: string;
  likes: number;
  author: { id: number; username: string; image_file: string | null; image_path: string };
}

interface PageJson {
  posts: PostJson[];
  total: number;
  skip: number;
  limit: number;
  has_more: boolean;
}

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

async function createPost(
  user: TestUser,
  payload: Record<string, unknown> = { title: 'A title', content: 'Some content' },
) {
  const response = await t.app.inject({ method: 'POST', url: '/api/posts', headers: user.headers, payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<PostJson>();
}

async function getPost(id: number) {
  return t.app.inject({ method: 'GET', url: `/api/posts/${id}` });
}

/** The post as `GET /api/posts/{id}` answers it, less the rendered HTML that only it carries. */
async function storedPost(id: number) {
  const response = await getPost(id);
  expect(response.statusCode, response.body).toBe(200);
  const { content_html, ...post } = response.json<PostJson & { content_html: unknown }>();
  expect(typeof content_html).toBe('string');
  return post;
}

/** The `updated_at` of a post just changed: a time (the tests of updated_at below say which). */
const changedTime = expect.stringMatching(ISO_UTC_MS) as unknown;

async function feed(query = '') {
  const response = await t.app.inject({ method: 'GET', url: `/api/posts${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<PageJson>();
}

function expectValidationError(
  response: { statusCode: number; json: () => unknown },
  loc: (string | number)[],
) {
  expect(response.statusCode).toBe(422);
  const body = response.json() as { detail: { type: string; loc: unknown[]; msg: string }[] };
  expect(Array.isArray(body.detail)).toBe(true);
  expect(body.detail.map((issue) => issue.loc)).toContainEqual(loc);
  for (const issue of body.detail) {
    expect(typeof issue.type).toBe('string');
    expect(typeof issue.msg).toBe('string');
  }
}

describe('GET /api/posts', () => {
  it('gives an empty page on an empty database', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/posts' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      posts: [],
      total: 0,
      skip: 0,
      limit: 10,
      has_more: false,
      next_cursor: null,
    });
  });

  it('paginates 5 posts newest first without repeating any post', async () => {
    const user = await signUp(t.app);
    const created: PostJson[] = [];
    for (let i = 1; i <= 5; i += 1)
      created.push(await createPost(user, { title: `Post ${i}`, content: `Content ${i}` }));

    const pages = [await feed('?limit=2'), await feed('?limit=2&skip=2'), await feed('?limit=2&skip=4')];
    expect(pages.map((page) => page.total)).toEqual([5, 5, 5]);
    expect(pages.map((page) => page.has_more)).toEqual([true, true, false]);
    expect(pages.map((page) => page.posts.length)).toEqual([2, 2, 1]);
    expect(pages.map((page) => [page.skip, page.limit])).toEqual([
      [0, 2],
      [2, 2],
      [4, 2],
    ]);

    const ids = pages.flatMap((page) => page.posts.map((post) => post.id));
    expect(new Set(ids).size).toBe(5);
    // Newest first: the last created comes first.
    expect(ids).toEqual(created.map((post) => post.id).reverse());
    const dates = pages.flatMap((page) => page.posts.map((post) => post.date_posted));
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('orders posts of the same millisecond by id, newest first, across pages', async () => {
    const user = await signUp(t.app);
    // One statement: every row gets the same now(), so only the id can order them.
    const inserted = await t.app.database.db
      .insert(posts)
      .values(
        Array.from({ length: 6 }, (_, i) => ({
          title: `Same ${i}`,
          content: `Same time ${i}`,
          userId: user.id,
        })),
      )
      .returning({ id: posts.id, datePosted: posts.datePosted });
    expect(new Set(inserted.map((row) => row.datePosted.getTime())).size).toBe(1);

    const all = await feed('?limit=100');
    expect(all.total).toBe(6);
    const expected = inserted.map((row) => row.id).sort((a, b) => b - a);
    expect(all.posts.map((post) => post.id)).toEqual(expected);

    const paged: number[] = [];
    for (let skip = 0; skip < 6; skip += 2) {
      const page = await feed(`?limit=2&skip=${skip}`);
      paged.push(...page.posts.map((post) => post.id));
    }
    expect(paged).toEqual(expected);
  });

  it('refuses limit and skip out of bounds with 422', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'limit=-1']) {
      const response = await t.app.inject({ method: 'GET', url: `/api/posts?${query}` });
      expectValidationError(response, ['query', 'limit']);
    }
    for (const query of ['skip=-1', 'skip=abc']) {
      const response = await t.app.inject({ method: 'GET', url: `/api/posts?${query}` });
      expectValidationError(response, ['query', 'skip']);
    }
  });

  it('accepts the limit bounds 1 and 100', async () => {
    const user = await signUp(t.app);
    await createPost(user);
    await createPost(user);
    const one = await feed('?limit=1');
    expect(one).toMatchObject({ total: 2, skip: 0, limit: 1, has_more: true });
    expect(one.posts).toHaveLength(1);
    const hundred = await feed('?limit=100');
    expect(hundred).toMatchObject({ total: 2, skip: 0, limit: 100, has_more: false });
    expect(hundred.posts).toHaveLength(2);
  });

  it('keeps the total right after deletes, including a user deletion that cascades their posts', async () => {
    const alice = await signUp(t.app);
    const bob = await signUp(t.app);
    const a1 = await createPost(alice);
    await createPost(alice);
    await createPost(bob);
    await createPost(bob);
    await createPost(bob);
    expect((await feed()).total).toBe(5);

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/posts/${a1.id}`,
      headers: alice.headers,
    });
    expect(deleted.statusCode).toBe(204);
    const afterPostDelete = await feed();
    expect(afterPostDelete.total).toBe(4);
    expect(afterPostDelete.posts).toHaveLength(4);

    const userDeleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${bob.id}`,
      headers: bob.headers,
    });
    expect(userDeleted.statusCode).toBe(204);
    const afterUserDelete = await feed();
    expect(afterUserDelete.total).toBe(1);
    expect(afterUserDelete.posts).toHaveLength(1);
    expect(afterUserDelete.posts[0]?.user_id).toBe(alice.id);
    expect(afterUserDelete.has_more).toBe(false);
  });
});

describe('GET /api/posts/{post_id}', () => {
  it('gives 404 for a missing post', async () => {
    const response = await getPost(999);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ detail: 'Post not found' });
  });

  it('includes the author', async () => {
    const user = await signUp(t.app);
    const post = await createPost(user, { title: 'Hello', content: 'World' });
    const response = await getPost(post.id);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: post.id,
      title: 'Hello',
      content: 'World',
      user_id: user.id,
      date_posted: post.date_posted,
      updated_at: post.date_posted,
      likes: 0,
      comments: 0,
      author: {
        id: user.id,
        username: user.username,
        image_file: null,
        image_path: DEFAULT_AVATAR,
        bio: null,
      },
      slug: 'hello',
      description: null,
      excerpt: 'World',
      status: 'published',
      publish_at: null,
      reading_minutes: 1,
      tags: [],
      content_html: '<p>World</p>\n',
    });
  });

  it('refuses ids that are not positive integers with 422 on the path', async () => {
    const user = await signUp(t.app);
    for (const id of ['abc', '0', '-1', '1.5']) {
      expectValidationError(await t.app.inject({ method: 'GET', url: `/api/posts/${id}` }), [
        'path',
        'post_id',
      ]);
      expectValidationError(
        await t.app.inject({
          method: 'PATCH',
          url: `/api/posts/${id}`,
          headers: user.headers,
          payload: { content: 'x' },
        }),
        ['path', 'post_id'],
      );
      expectValidationError(
        await t.app.inject({ method: 'DELETE', url: `/api/posts/${id}`, headers: user.headers }),
        ['path', 'post_id'],
      );
      expectValidationError(
        await t.app.inject({ method: 'POST', url: `/api/posts/${id}/like`, headers: user.headers }),
        ['path', 'post_id'],
      );
    }
  });
});

describe('POST /api/posts', () => {
  it('creates a post with the Post shape', async () => {
    const user = await signUp(t.app);
    const before = Date.now();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: user.headers,
      payload: { title: 'My title', content: 'My content' },
    });
    expect(response.statusCode).toBe(201);
    const post = response.json<PostJson>();
    expect(Object.keys(post).sort()).toEqual([
      'author',
      'comments',
      'content',
      'date_posted',
      'description',
      'excerpt',
      'id',
      'likes',
      'publish_at',
      'reading_minutes',
      'slug',
      'status',
      'tags',
      'title',
      'updated_at',
      'user_id',
    ]);
    expect(Number.isInteger(post.id) && post.id > 0).toBe(true);
    expect(post.date_posted).toMatch(ISO_UTC_MS);
    expect(post).toEqual({
      id: post.id,
      title: 'My title',
      content: 'My content',
      user_id: user.id,
      date_posted: post.date_posted,
      updated_at: post.date_posted,
      likes: 0,
      comments: 0,
      author: {
        id: user.id,
        username: user.username,
        image_file: null,
        image_path: DEFAULT_AVATAR,
        bio: null,
      },
      slug: 'my-title',
      description: null,
      excerpt: 'My content',
      status: 'published',
      publish_at: null,
      reading_minutes: 1,
      tags: [],
    });
    expect(post.author).not.toHaveProperty('email');
    expect(response.body).not.toContain(user.email);
    const posted = Date.parse(post.date_posted);
    expect(Math.abs(posted - before)).toBeLessThan(60_000);

    // What is stored is what was answered.
    expect(await storedPost(post.id)).toEqual(post);
  });

  it('makes the title optional and accepts null', async () => {
    const user = await signUp(t.app);
    const withoutTitle = await createPost(user, { content: 'No title here' });
    expect(withoutTitle.title).toBeNull();
    const nullTitle = await createPost(user, { title: null, content: 'Null title' });
    expect(nullTitle.title).toBeNull();
    expect((await getPost(withoutTitle.id)).json()).toMatchObject({ title: null, content: 'No title here' });
    expect((await getPost(nullTitle.id)).json()).toMatchObject({ title: null, content: 'Null title' });
  });

  it('accepts a title of exactly 100 characters', async () => {
    const user = await signUp(t.app);
    const post = await createPost(user, { title: 'x'.repeat(100), content: 'c' });
    expect(post.title).toBe('x'.repeat(100));
  });

  it('refuses invalid bodies with 422 and stores nothing', async () => {
    const user = await signUp(t.app);
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{ title: 'T', content: '' }, ['body', 'content']],
      [{ title: 'x'.repeat(101), content: 'ok' }, ['body', 'title']],
      [{ title: 'T', content: 'a\u0000b' }, ['body', 'content']],
      [{ title: 'a\u0000b', content: 'ok' }, ['body', 'title']],
      [{ title: 'T' }, ['body', 'content']],
      [{ title: 'T', content: null }, ['body', 'content']],
      [{ title: 'T', content: 123 }, ['body', 'content']],
    ];
    for (const [payload, loc] of cases) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/posts',
        headers: user.headers,
        payload,
      });
      expectValidationError(response, loc);
    }
    expect((await feed()).total).toBe(0);
  });

  it('gives 401 Not authenticated without a token, even when the body is invalid', async () => {
    for (const payload of [{ title: 'T', content: 'ok' }, { content: '' }, {}]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/posts', payload });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ detail: 'Not authenticated' });
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(badJson.statusCode).toBe(401);
    expect(badJson.json()).toEqual({ detail: 'Not authenticated' });
    expect((await feed()).total).toBe(0);
  });

  it('gives 401 for a bad token', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: { authorization: 'Bearer not.a.jwt' },
      payload: { content: 'x' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ detail: 'Invalid authentication credentials.' });
  });
});

describe('PATCH /api/posts/{post_id}', () => {
  it('keeps the fields that are not sent', async () => {
    const user = await signUp(t.app);
    const post = await createPost(user, { title: 'Original', content: 'Original content' });

    const onlyTitle = await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${post.id}`,
      headers: user.headers,
      payload: { title: 'New' },
    });
    expect(onlyTitle.statusCode).toBe(200);
    expect(onlyTitle.json()).toEqual({ ...post, title: 'New', slug: 'new', updated_at: changedTime });

    const onlyContent = await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${post.id}`,
      headers: user.headers,
      payload: { content: 'New content' },
    });
    expect(onlyContent.statusCode).toBe(200);
    const edited = {
      ...post,
      title: 'New',
      slug: 'new',
      content: 'New content',
      excerpt: 'New content',
      updated_at: onlyContent.json<PostJson>().updated_at,
    };
    expect(onlyContent.json()).toEqual({ ...edited, updated_at: changedTime });

    const nothing = await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${post.id}`,
      headers: user.headers,
      payload: {},
    });
    expect(nothing.statusCode).toBe(200);
    expect(nothing.json(), 'a change of nothing keeps updated_at').toEqual(edited);

    expect(await storedPost(post.id)).toEqual(edited);
  });

  it('clears the title with title: null', async () => {
    const user = await signUp(t.app);
    const post = await createPost(user, { title: 'Has a title', content: 'Body' });
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${post.id}`,
      headers: user.headers,
      payload: { title: null },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ title: null, content: 'Body' });
    expect((await getPost(post.id)).json()).toMatchObject({ title: null, content: 'Body' });
  });

  it('refuses content: null, empty content and a long title with 422 and changes nothing', async () => {
    const user = await signUp(t.app);
    const post = await createPost(user, { title: 'T', content: 'Body' });
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{ content: null }, ['body', 'content']],
      [{ content: '' }, ['body', 'content']],
      [{ title: 'y'.repeat(101) }, ['body', 'title']],
      [{ content: 'a\u0000b' }, ['body', 'content']],
    ];
    for (const [payload, loc] of cases) {
      expectValidationError(
        await t.app.inject({ method: 'PATCH', url: `/api/posts/${post.id}`, headers: user.headers, payload }),
        loc,
      );
    }
    expect(await storedPost(post.id)).toEqual(post);
  });
});

describe('PUT /api/posts/{post_id}', () => {
  it('replaces the post; a missing title clears it', async () => {
    const user = await signUp(t.app);
    const post = await createPost(user, { title: 'Old', content: 'Old content' });

    const replaced = await t.app.inject({
      method: 'PUT',
      url: `/api/posts/${post.id}`,
      headers: user.headers,
      payload: { title: 'New', content: 'New content' },
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toEqual({
      ...post,
      title: 'New',
      slug: 'new',
      content: 'New content',
      excerpt: 'New content',
      updated_at: changedTime,
    });

    const noTitle = await t.app.inject({
      method: 'PUT',
      url: `/api/posts/${post.id}`,
      headers: user.headers,
      payload: { content: 'Only content' },
    });
    expect(noTitle.statusCode).toBe(200);
    // Untitled, the slug comes from the first words.
    const untitled = {
      ...post,
      title: null,
      slug: 'only-content',
      content: 'Only content',
      excerpt: 'Only content',
      updated_at: noTitle.json<PostJson>().updated_at,
    };
    expect(noTitle.json()).toEqual({ ...untitled, updated_at: changedTime });
    expect(await storedPost(post.id)).toEqual(untitled);
  });

  it('refuses a missing content with 422 and changes nothing', async () => {
    const user = await signUp(t.app);
    const post = await createPost(user, { title: 'Keep', content: 'Keep content' });
    const response = await t.app.inject({
      method: 'PUT',
      url: `/api/posts/${post.id}`,
      headers: user.headers,
      payload: { title: 'New' },
    });
    expectValidationError(response, ['body', 'content']);
    expect(await storedPost(post.id)).toEqual(post);
  });
});

describe('updated_at, the time of the last change', () => {
  const later = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('moves when the author changes the post, and not for likes, comments or a change of nothing', async () => {
    const author = await signUp(t.app);
    const reader = await signUp(t.app);
    const post = await createPost(author, { title: 'First', content: 'Words', tags: ['news'] });
    expect(post.updated_at, 'a new post is unchanged since it was posted').toBe(post.date_posted);

    await later();
    const liked = await t.app.inject({
      method: 'POST',
      url: `/api/posts/${post.id}/like`,
      headers: reader.headers,
    });
    expect(liked.statusCode).toBe(200);
    const commented = await t.app.inject({
      method: 'POST',
      url: `/api/posts/${post.id}/comments`,
      headers: reader.headers,
      payload: { content: 'Nice' },
    });
    expect(commented.statusCode, commented.body).toBe(201);
    expect(await storedPost(post.id)).toMatchObject({
      likes: 1,
      comments: 1,
      date_posted: post.date_posted,
      updated_at: post.date_posted,
    });

    // Saving it as it is (the editor and RealWorld front ends send the whole post back) is no change.
    const same = await t.app.inject({
      method: 'PUT',
      url: `/api/posts/${post.id}`,
      headers: author.headers,
      payload: { title: 'First', content: 'Words', tags: ['News'] },
    });
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json<PostJson>().updated_at).toBe(post.date_posted);

    const edit = async (payload: Record<string, unknown>) => {
      await later();
      const before = Date.now();
      const response = await t.app.inject({
        method: 'PATCH',
        url: `/api/posts/${post.id}`,
        headers: author.headers,
        payload,
      });
      expect(response.statusCode, response.body).toBe(200);
      const stored = await storedPost(post.id);
      expect(stored.date_posted, 'an edit keeps the date it was posted').toBe(post.date_posted);
      expect(stored.updated_at).toBe(response.json<PostJson>().updated_at);
      expect(Date.parse(stored.updated_at)).toBeGreaterThan(Date.parse(post.date_posted));
      expect(Math.abs(Date.parse(stored.updated_at) - before)).toBeLessThan(60_000);
      return stored.updated_at;
    };
    const afterContent = await edit({ content: 'Better words' });
    const afterTags = await edit({ tags: ['news', 'fixes'] });
    expect(Date.parse(afterTags)).toBeGreaterThan(Date.parse(afterContent));
    const afterDescription = await edit({ description: 'A subtitle' });
    expect(Date.parse(afterDescription)).toBeGreaterThan(Date.parse(afterTags));

    // Lists carry it too, and a like or an unlike afterwards leaves it.
    await t.app.inject({ method: 'DELETE', url: `/api/posts/${post.id}/like`, headers: reader.headers });
    expect((await feed()).posts[0]).toMatchObject({
      id: post.id,
      likes: 0,
      updated_at: afterDescription,
    });
    expect((await storedPost(post.id)).updated_at).toBe(afterDescription);
  });
});

describe('ownership and missing posts', () => {
  it("refuses to change or delete another user's post with 403", async () => {
    const owner = await signUp(t.app);
    const other = await signUp(t.app);
    const post = await createPost(owner, { title: 'Mine', content: 'Mine' });

    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/posts/${post.id}`,
      headers: other.headers,
      payload: { content: 'Hijack' },
    });
    expect(put.statusCode).toBe(403);
    expect(put.json()).toEqual({ detail: 'Not authorized to update this post' });

    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${post.id}`,
      headers: other.headers,
      payload: { title: 'Hijack' },
    });
    expect(patch.statusCode).toBe(403);
    expect(patch.json()).toEqual({ detail: 'Not authorized to update this post' });

    const emptyPatch = await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${post.id}`,
      headers: other.headers,
      payload: {},
    });
    expect(emptyPatch.statusCode).toBe(403);
    expect(emptyPatch.json()).toEqual({ detail: 'Not authorized to update this post' });

    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/posts/${post.id}`,
      headers: other.headers,
    });
    expect(del.statusCode).toBe(403);
    expect(del.json()).toEqual({ detail: 'Not authorized to delete this post' });

    expect(await storedPost(post.id)).toEqual(post);
  });

  it('gives 404 Post not found for a missing post, before any 403', async () => {
    const user = await signUp(t.app);
    const requests = [
      { method: 'PUT' as const, payload: { content: 'x' } },
      { method: 'PATCH' as const, payload: { content: 'x' } },
      { method: 'PATCH' as const, payload: {} },
      { method: 'DELETE' as const },
    ];
    for (const request of requests) {
      const response = await t.app.inject({ ...request, url: '/api/posts/999', headers: user.headers });
      expect(response.statusCode, `${request.method}`).toBe(404);
      expect(response.json()).toEqual({ detail: 'Post not found' });
    }
  });

  it('checks auth before 404 and 403', async () => {
    const owner = await signUp(t.app);
    const post = await createPost(owner);
    for (const id of [post.id, 999]) {
      for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
        const response = await t.app.inject({
          method,
          url: `/api/posts/${id}`,
          payload: method === 'DELETE' ? undefined : { content: '' },
        });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({ detail: 'Not authenticated' });
      }
    }
  });
});

describe('DELETE /api/posts/{post_id}', () => {
  it('answers 204 with no body, then the post is gone', async () => {
    const user = await signUp(t.app);
    const post = await createPost(user);
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/posts/${post.id}`,
      headers: user.headers,
    });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');

    const after = await getPost(post.id);
    expect(after.statusCode).toBe(404);
    expect(after.json()).toEqual({ detail: 'Post not found' });

    const again = await t.app.inject({
      method: 'DELETE',
      url: `/api/posts/${post.id}`,
      headers: user.headers,
    });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({ detail: 'Post not found' });
    expect(await feed()).toEqual({
      posts: [],
      total: 0,
      skip: 0,
      limit: 10,
      has_more: false,
      next_cursor: null,
    });
  });
});

describe('likes', () => {
  it('counts one like per user, idempotently, and the post follows', async () => {
    const author = await signUp(t.app);
    const alice = await signUp(t.app);
    const bob = await signUp(t.app);
    const post = await createPost(author);
    const like = (user: TestUser, method: 'POST' | 'DELETE') =>
      t.app.inject({ method, url: `/api/posts/${post.id}/like`, headers: user.headers });
    const likesOf = async () => (await getPost(post.id)).json<PostJson>().likes;

    const first = await like(alice, 'POST');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ likes: 1, liked: true });
    expect(await likesOf()).toBe(1);

    const again = await like(alice, 'POST');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ likes: 1, liked: true });
    expect(await likesOf()).toBe(1);

    const second = await like(bob, 'POST');
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ likes: 2, liked: true });
    expect(await likesOf()).toBe(2);
    expect((await feed()).posts[0]?.likes).toBe(2);

    const unlike = await like(alice, 'DELETE');
    expect(unlike.statusCode).toBe(200);
    expect(unlike.json()).toEqual({ likes: 1, liked: false });
    expect(await likesOf()).toBe(1);

    const unlikeAgain = await like(alice, 'DELETE');
    expect(unlikeAgain.statusCode).toBe(200);
    expect(unlikeAgain.json()).toEqual({ likes: 1, liked: false });
    expect(await likesOf()).toBe(1);
  });

  it("drops a deleted user's likes from the count", async () => {
    const author = await signUp(t.app);
    const fan = await signUp(t.app);
    const post = await createPost(author);
    await t.app.inject({ method: 'POST', url: `/api/posts/${post.id}/like`, headers: fan.headers });
    expect((await getPost(post.id)).json<PostJson>().likes).toBe(1);
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${fan.id}`,
      headers: fan.headers,
    });
    expect(deleted.statusCode).toBe(204);
    expect((await getPost(post.id)).json<PostJson>().likes).toBe(0);
  });

  it('gives 404 for a missing post and 401 without a token', async () => {
    const user = await signUp(t.app);
    for (const method of ['POST', 'DELETE'] as const) {
      const missing = await t.app.inject({ method, url: '/api/posts/999/like', headers: user.headers });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ detail: 'Post not found' });
    }
    const post = await createPost(user);
    for (const method of ['POST', 'DELETE'] as const) {
      const anonymous = await t.app.inject({ method, url: `/api/posts/${post.id}/like` });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toEqual({ detail: 'Not authenticated' });
    }
    expect((await getPost(post.id)).json<PostJson>().likes).toBe(0);
  });

  it('refuses path ids that are not positive integers with 422', async () => {
    const user = await signUp(t.app);
    for (const id of ['abc', '0', '-1']) {
      for (const method of ['POST', 'DELETE'] as const) {
        expectValidationError(
          await t.app.inject({ method, url: `/api/posts/${id}/like`, headers: user.headers }),
          ['path', 'post_id'],
        );
      }
    }
  });
});
