// Following and the personal feed (SPEC section 15): every status and message of the routes, the
// counts kept through follow, unfollow and deletes, and the feed's membership and order while posts
// arrive (no duplicates, no gaps).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPost, createTestApp, signUp, type TestApp, type TestUser } from '../../test/support/index.js';
import type { PostPage } from '../posts/posts.schemas.js';
import type { UserProfile, UserPublic } from '../users/users.schemas.js';

const ABSENT = 2_147_483_000;
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const follow = (who: TestUser, userId: number, method: 'POST' | 'DELETE' = 'POST') =>
  t.app.inject({ method, url: `/api/users/${userId}/follow`, headers: who.headers });

async function profile(userId: number, viewer?: TestUser): Promise<UserProfile> {
  const response = await t.app.inject({ url: `/api/users/${userId}`, headers: viewer?.headers ?? {} });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<UserProfile>();
}

async function feed(reader: TestUser, query = ''): Promise<PostPage> {
  const response = await t.app.inject({ url: `/api/feed${query}`, headers: reader.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<PostPage>();
}

describe('POST and DELETE /api/users/{user_id}/follow', () => {
  it('follows and unfollows, idempotently, with the followers count', async () => {
    const [a, b, c] = [await signUp(t.app), await signUp(t.app), await signUp(t.app)];
    let response = await follow(a, b.id);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ following: true, followers: 1 });
    expect((await follow(a, b.id)).json()).toEqual({ following: true, followers: 1 });
    expect((await follow(c, b.id)).json()).toEqual({ following: true, followers: 2 });

    expect(await profile(b.id, a)).toMatchObject({ followers: 2, following: 0, followed: true });
    expect(await profile(b.id)).toMatchObject({ followers: 2, followed: false });
    expect(await profile(a.id, a)).toMatchObject({ followers: 0, following: 1, followed: false });

    response = await follow(a, b.id, 'DELETE');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ following: false, followers: 1 });
    expect((await follow(a, b.id, 'DELETE')).json()).toEqual({ following: false, followers: 1 });
    expect(await profile(b.id, a)).toMatchObject({ followers: 1, followed: false });
    expect(await profile(a.id)).toMatchObject({ following: 0 });
  });

  it('answers 400 for oneself and 404 for nobody, both ways', async () => {
    const a = await signUp(t.app);
    for (const method of ['POST', 'DELETE'] as const) {
      const self = await follow(a, a.id, method);
      expect(self.statusCode).toBe(400);
      expect(self.json()).toEqual({ detail: 'You cannot follow yourself' });
      const nobody = await follow(a, ABSENT, method);
      expect(nobody.statusCode).toBe(404);
      expect(nobody.json()).toEqual({ detail: 'User not found' });
    }
  });

  it('answers 401 without a token', async () => {
    const a = await signUp(t.app);
    const response = await t.app.inject({ method: 'POST', url: `/api/users/${a.id}/follow` });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ detail: 'Not authenticated' });
  });

  it('keeps the counts when a follower or a followed account is deleted', async () => {
    const [a, b, c] = [await signUp(t.app), await signUp(t.app), await signUp(t.app)];
    await follow(a, b.id);
    await follow(c, b.id);
    await follow(b, c.id);
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/users/${c.id}`, headers: c.headers });
    expect(deleted.statusCode).toBe(204);
    expect(await profile(b.id)).toMatchObject({ followers: 1, following: 0 });
  });
});

describe('GET /api/users/{user_id}', () => {
  it('shows the bio and the kept counts; posts counts published posts only', async () => {
    const a = await signUp(t.app);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${a.id}`,
      headers: a.headers,
      payload: { bio: '  Writes about <b>tea</b>.  ' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ bio: 'Writes about <b>tea</b>.', role: 'user' });
    await createPost(t.app, a);
    await createPost(t.app, a);
    await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: a.headers,
      payload: { content: 'not yet', status: 'draft' },
    });
    expect(await profile(a.id)).toEqual({
      id: a.id,
      username: a.username,
      image_file: null,
      image_path: '/static/profile_pics/default.jpg',
      bio: 'Writes about <b>tea</b>.',
      role: 'user',
      followers: 0,
      following: 0,
      posts: 2,
      followed: false,
    });
    const cleared = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${a.id}`,
      headers: a.headers,
      payload: { bio: '' },
    });
    expect(cleared.json()).toMatchObject({ bio: null });
  });

  it('refuses a bio over 300 characters with a 422', async () => {
    const a = await signUp(t.app);
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${a.id}`,
      headers: a.headers,
      payload: { bio: 'x'.repeat(301) },
    });
    expect(response.statusCode).toBe(422);
  });

  it('answers 401 for a bad token and 404 for nobody', async () => {
    const bad = await t.app.inject({ url: '/api/users/1', headers: { authorization: 'Bearer nonsense' } });
    expect(bad.statusCode).toBe(401);
    const none = await t.app.inject(`/api/users/${ABSENT}`);
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual({ detail: 'User not found' });
  });
});

describe('GET /api/feed', () => {
  it('lists the published posts of the people followed, newest first, with the total', async () => {
    const [reader, b, c, d] = [
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
    ];
    await follow(reader, b.id);
    await follow(reader, c.id);
    const ids = [];
    for (const author of [b, c, d, b, c, d]) ids.push(await createPost(t.app, author));
    await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: b.headers,
      payload: { content: 'a draft', status: 'draft' },
    });
    const page = await feed(reader);
    expect(page.posts.map((post) => post.id)).toEqual([ids[4], ids[3], ids[1], ids[0]]);
    expect(page).toMatchObject({ total: 4, skip: 0, limit: 10, has_more: false, next_cursor: null });
    const second = await feed(reader, '?skip=1&limit=2');
    expect(second.posts.map((post) => post.id)).toEqual([ids[3], ids[1]]);
    expect(second).toMatchObject({ total: 4, has_more: true });
  });

  it('is empty for a reader who follows no one', async () => {
    const reader = await signUp(t.app);
    await createPost(t.app, await signUp(t.app));
    expect(await feed(reader)).toMatchObject({ posts: [], total: 0, has_more: false });
  });

  it('pages with the cursor without duplicates or gaps while posts arrive', async () => {
    const [reader, b, c] = [await signUp(t.app), await signUp(t.app), await signUp(t.app)];
    await follow(reader, b.id);
    await follow(reader, c.id);
    const before: number[] = [];
    for (let i = 0; i < 7; i += 1) before.push(await createPost(t.app, i % 2 ? b : c));
    const seen: number[] = [];
    let page = await feed(reader, '?limit=3');
    seen.push(...page.posts.map((post) => post.id));
    let cursor = page.next_cursor;
    // New posts arrive while the reader pages: they are above the cursor and do not shift the pages.
    await createPost(t.app, b);
    await createPost(t.app, c);
    while (cursor) {
      page = await feed(reader, `?limit=3&cursor=${encodeURIComponent(cursor)}`);
      seen.push(...page.posts.map((post) => post.id));
      cursor = page.next_cursor;
    }
    expect(seen).toEqual([...before].reverse());
  });

  it("is kept per reader: 304 for its ETag, a new answer once whom they follow or a post changes, never another reader's", async () => {
    const [reader, other, b, c] = [
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
    ];
    await follow(reader, b.id);
    await follow(other, c.id);
    const fromB = await createPost(t.app, b);
    const fromC = await createPost(t.app, c);
    const get = (who: TestUser, etag?: string) =>
      t.app.inject({
        url: '/api/feed',
        headers: { ...who.headers, ...(etag === undefined ? {} : { 'if-none-match': etag }) },
      });
    const ids = (response: { json: () => PostPage }) => response.json().posts.map((post) => post.id);

    const first = await get(reader);
    expect(ids(first)).toEqual([fromB]);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const etag = String(first.headers.etag);
    expect((await get(reader)).body).toBe(first.body);
    const notModified = await get(reader, etag);
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');

    // The same content version, another reader: their own feed, and the first one's tag is not theirs.
    const others = await get(other, etag);
    expect(others.statusCode).toBe(200);
    expect(ids(others)).toEqual([fromC]);

    // No post changed, but whom the reader follows did.
    await follow(reader, c.id);
    const following = await get(reader, etag);
    expect(following.statusCode).toBe(200);
    expect(ids(following)).toEqual([fromC, fromB]);
    await follow(reader, c.id, 'DELETE');
    const unfollowed = await get(reader, String(following.headers.etag));
    expect(ids(unfollowed)).toEqual([fromB]);
    expect(unfollowed.headers.etag).not.toBe(etag);

    const newer = await createPost(t.app, b);
    expect(ids(await get(reader, String(unfollowed.headers.etag)))).toEqual([newer, fromB]);
  });

  it('answers 401 without a token', async () => {
    const response = await t.app.inject('/api/feed');
    expect(response.statusCode).toBe(401);
  });
});

describe('GET /api/feed/suggestions', () => {
  it('suggests the most followed authors the reader does not follow, never the reader', async () => {
    const [reader, popular, known, quiet] = [
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
    ];
    for (const author of [popular, known, reader]) await createPost(t.app, author);
    await follow(quiet, popular.id);
    await follow(reader, known.id);
    const response = await t.app.inject({ url: '/api/feed/suggestions', headers: reader.headers });
    expect(response.statusCode).toBe(200);
    // Without posts, `quiet` is no author to suggest.
    expect(response.json<{ id: number }[]>().map((user) => user.id)).toEqual([popular.id]);
  });

  it('on a young site where nobody follows anybody, suggests the latest authors, newest first', async () => {
    const reader = await signUp(t.app);
    const authors = [];
    for (let i = 0; i < 6; i += 1) authors.push(await signUp(t.app));
    const [a, b, c, d, e, f] = authors as [TestUser, TestUser, TestUser, TestUser, TestUser, TestUser];
    const silent = await signUp(t.app);
    for (const author of [a, b, c, d, e, f, b]) await createPost(t.app, author);
    // A draft is not published: `silent` wrote nothing anyone can read. The reader's own post is newest.
    await createPost(t.app, silent, { content: 'not yet', status: 'draft' });
    await createPost(t.app, reader);

    const response = await t.app.inject({ url: '/api/feed/suggestions', headers: reader.headers });
    expect(response.statusCode).toBe(200);
    const suggested = response.json<UserPublic[]>();
    // Five, each once, by their newest post: b wrote last, a falls off the end.
    expect(suggested.map((user) => user.id)).toEqual([b.id, f.id, e.id, d.id, c.id]);
    expect(suggested[0]).toEqual({
      id: b.id,
      username: b.username,
      image_file: null,
      image_path: '/static/profile_pics/default.jpg',
      bio: null,
    });
  });

  it('suggests the followed authors first, then fills up with the latest authors, each once', async () => {
    const [reader, first, second, fan1, fan2] = [
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
    ];
    const latest = [await signUp(t.app), await signUp(t.app), await signUp(t.app), await signUp(t.app)];
    await createPost(t.app, first);
    await createPost(t.app, second);
    for (const author of latest) await createPost(t.app, author);
    // `first`, the most followed, also wrote the newest post: suggested once, in the first part.
    await createPost(t.app, first);
    await follow(fan1, first.id);
    await follow(fan2, first.id);
    await follow(fan1, second.id);
    // Followed, but never published: no author to suggest.
    await follow(fan2, fan1.id);

    const response = await t.app.inject({ url: '/api/feed/suggestions', headers: reader.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json<UserPublic[]>().map((user) => user.id)).toEqual([
      first.id,
      second.id,
      latest[3]!.id,
      latest[2]!.id,
      latest[1]!.id,
    ]);
  });

  it('never suggests the reader, whom they follow or a suspended account, in either part', async () => {
    const [reader, known, banned, fan, other, lurker] = [
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
      await signUp(t.app),
    ];
    for (const author of [other, known, banned, reader]) await createPost(t.app, author);
    // `known` and `banned` are followed (the most followed part); `reader` is followed too.
    await follow(reader, known.id);
    await follow(fan, known.id);
    await follow(fan, banned.id);
    await follow(lurker, banned.id);
    await follow(fan, reader.id);
    await t.app.usersService.setStanding(banned.id, { suspended: true });

    const suggestions = async (who: TestUser) => {
      const response = await t.app.inject({ url: '/api/feed/suggestions', headers: who.headers });
      expect(response.statusCode).toBe(200);
      return response.json<UserPublic[]>().map((user) => user.id);
    };
    expect(await suggestions(reader)).toEqual([other.id]);
    // Someone who follows no one is offered the others, the suspended account still left out.
    expect(await suggestions(lurker)).toEqual([known.id, reader.id, other.id]);

    // Restored, `banned` is suggested again: first, with two followers.
    await t.app.usersService.setStanding(banned.id, { suspended: false });
    expect(await suggestions(reader)).toEqual([banned.id, other.id]);
  });

  it('answers 401 without a token', async () => {
    const response = await t.app.inject('/api/feed/suggestions');
    expect(response.statusCode).toBe(401);
  });
});
