// Comments (SPEC section 11): every route with every status it answers, the counts kept on posts, the
// paging of a thread while comments arrive, and the section on the post's page.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPost,
  createTestApp,
  postPagePath,
  signUp,
  type TestApp,
  type TestUser,
} from '../../test/support/index.js';
import type { Comment, CommentPage } from './comments.schemas.js';

const ISO_UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ABSENT = 2_147_483_000;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

async function comment(user: TestUser, postId: number, content = 'A kind word') {
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/posts/${postId}/comments`,
    headers: user.headers,
    payload: { content },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Comment>();
}

async function thread(postId: number, query = '') {
  const response = await t.app.inject(`/api/posts/${postId}/comments${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<CommentPage>();
}

async function commentsOf(postId: number): Promise<number> {
  return (await t.app.inject(`/api/posts/${postId}`)).json<{ comments: number }>().comments;
}

describe('POST /api/posts/{post_id}/comments', () => {
  it('answers 201 with the comment and its author, and the post counts it', async () => {
    const author = await signUp(t.app);
    const reader = await signUp(t.app);
    const postId = await createPost(t.app, author);
    expect(await commentsOf(postId)).toBe(0);

    const created = await comment(reader, postId, 'First!\nAnd a second line.');
    expect(created).toEqual({
      id: expect.any(Number) as unknown,
      post_id: postId,
      content: 'First!\nAnd a second line.',
      created_at: expect.stringMatching(ISO_UTC_MS) as unknown,
      updated_at: created.created_at,
      author: {
        id: reader.id,
        username: reader.username,
        image_file: null,
        image_path: '/static/profile_pics/default.jpg',
        bio: null,
      },
    });
    expect(await commentsOf(postId)).toBe(1);
    const feed = (await t.app.inject('/api/posts')).json<{ posts: { id: number; comments: number }[] }>();
    expect(feed.posts.find((post) => post.id === postId)?.comments).toBe(1);
  });

  it('answers 404 Post not found for a post that does not exist', async () => {
    const reader = await signUp(t.app);
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/posts/${ABSENT}/comments`,
      headers: reader.headers,
      payload: { content: 'Hello?' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ detail: 'Post not found' });
  });

  it('answers 401 without a token, before looking at the post or the body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/posts/${ABSENT}/comments`,
      payload: { content: '' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ detail: 'Not authenticated' });
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it.each([
    ['empty content', { content: '' }, 'string_too_short'],
    ['2,001 characters', { content: 'x'.repeat(2001) }, 'string_too_long'],
    ['no content', {}, 'missing'],
    ['content that is not text', { content: 42 }, 'string_type'],
    ['a NUL character', { content: 'a\u0000b' }, 'string_pattern_mismatch'],
  ])('answers 422 for %s and stores nothing', async (_case, payload, type) => {
    const author = await signUp(t.app);
    const postId = await createPost(t.app, author);
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/posts/${postId}/comments`,
      headers: author.headers,
      payload,
    });
    expect(response.statusCode).toBe(422);
    expect(response.json<{ detail: { type: string; loc: unknown[] }[] }>().detail).toContainEqual(
      expect.objectContaining({ type, loc: ['body', 'content'] }),
    );
    expect((await thread(postId)).total).toBe(0);
  });

  it('takes exactly 2,000 characters', async () => {
    const author = await signUp(t.app);
    const postId = await createPost(t.app, author);
    expect((await comment(author, postId, 'é'.repeat(2000))).content).toHaveLength(2000);
  });
});

describe('GET /api/posts/{post_id}/comments', () => {
  it('lists the comments oldest first, 20 to a page by default, with the total kept on the post', async () => {
    const author = await signUp(t.app);
    const postId = await createPost(t.app, author);
    const ids: number[] = [];
    for (let i = 1; i <= 23; i += 1) ids.push((await comment(author, postId, `Comment ${i}`)).id);

    const first = await thread(postId);
    expect(first.comments.map((c) => c.id)).toEqual(ids.slice(0, 20));
    expect(first).toMatchObject({ total: 23, skip: 0, limit: 20, has_more: true });
    expect(first.next_cursor).toEqual(expect.any(String));

    const second = await thread(postId, `?cursor=${encodeURIComponent(first.next_cursor!)}`);
    expect(second.comments.map((c) => c.id)).toEqual(ids.slice(20));
    expect(second).toMatchObject({ total: 23, has_more: false, next_cursor: null });

    const skipped = await thread(postId, '?skip=21&limit=5');
    expect(skipped.comments.map((c) => c.id)).toEqual(ids.slice(21));
    expect(skipped).toMatchObject({ skip: 21, limit: 5, has_more: false });
  });

  it('pages without duplicates or gaps while comments are added and removed', async () => {
    const author = await signUp(t.app);
    const postId = await createPost(t.app, author);
    for (let i = 0; i < 12; i += 1) await comment(author, postId, `Early ${i}`);
    const seen: number[] = [];
    let page = await thread(postId, '?limit=5');
    seen.push(...page.comments.map((c) => c.id));
    // One comment already seen goes away and new ones arrive at the end, while the reader pages on.
    await t.app.inject({ method: 'DELETE', url: `/api/comments/${seen[0]}`, headers: author.headers });
    const late = [(await comment(author, postId, 'Late 1')).id, (await comment(author, postId, 'Late 2')).id];
    while (page.next_cursor) {
      page = await thread(postId, `?limit=5&cursor=${encodeURIComponent(page.next_cursor)}`);
      seen.push(...page.comments.map((c) => c.id));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(14);
    expect(seen.slice(-2)).toEqual(late);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('answers 404 Post not found for a post that does not exist', async () => {
    const response = await t.app.inject(`/api/posts/${ABSENT}/comments`);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ detail: 'Post not found' });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['skip=-1', 'skip'],
    ['cursor=yesterday', 'cursor'],
  ])('answers 422 for ?%s', async (query, name) => {
    const author = await signUp(t.app);
    const postId = await createPost(t.app, author);
    const response = await t.app.inject(`/api/posts/${postId}/comments?${query}`);
    expect(response.statusCode).toBe(422);
    expect(response.json<{ detail: { loc: unknown[] }[] }>().detail[0]?.loc).toEqual(['query', name]);
  });

  it('answers 422 for a post id that is not a positive integer', async () => {
    const response = await t.app.inject('/api/posts/abc/comments');
    expect(response.statusCode).toBe(422);
    expect(response.json<{ detail: { loc: unknown[] }[] }>().detail[0]?.loc).toEqual(['path', 'post_id']);
  });
});

describe('PATCH /api/comments/{comment_id}', () => {
  it("lets the comment's author change it; updated_at moves, created_at does not", async () => {
    const author = await signUp(t.app);
    const postId = await createPost(t.app, author);
    const created = await comment(author, postId, 'Teh typo');
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/comments/${created.id}`,
      headers: author.headers,
      payload: { content: 'The typo, fixed' },
    });
    expect(response.statusCode).toBe(200);
    const changed = response.json<Comment>();
    expect(changed).toMatchObject({
      id: created.id,
      content: 'The typo, fixed',
      created_at: created.created_at,
    });
    expect(Date.parse(changed.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at));
    expect((await thread(postId)).comments[0]?.content).toBe('The typo, fixed');
  });

  it('answers 404 Comment not found, then 403 to anyone else, even the post author; nothing changes', async () => {
    const author = await signUp(t.app);
    const reader = await signUp(t.app);
    const postId = await createPost(t.app, author);
    const theirs = await comment(reader, postId, 'Mine, not yours');
    const patch = (id: number, user: TestUser) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/comments/${id}`,
        headers: user.headers,
        payload: { content: 'Changed by someone else' },
      });
    const missing = await patch(ABSENT, author);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'Comment not found' });
    const forbidden = await patch(theirs.id, author);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ detail: 'Not authorized to update this comment' });
    expect((await thread(postId)).comments[0]?.content).toBe('Mine, not yours');
  });

  it('answers 401 without a token and 422 for empty content', async () => {
    const author = await signUp(t.app);
    const created = await comment(author, await createPost(t.app, author));
    const anonymous = await t.app.inject({
      method: 'PATCH',
      url: `/api/comments/${created.id}`,
      payload: { content: 'x' },
    });
    expect(anonymous.statusCode).toBe(401);
    const empty = await t.app.inject({
      method: 'PATCH',
      url: `/api/comments/${created.id}`,
      headers: author.headers,
      payload: { content: '' },
    });
    expect(empty.statusCode).toBe(422);
  });
});

describe('DELETE /api/comments/{comment_id}', () => {
  it("lets the comment's author delete it: 204, gone, and the post counts one less", async () => {
    const author = await signUp(t.app);
    const postId = await createPost(t.app, author);
    const created = await comment(author, postId);
    await comment(author, postId, 'Another');
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/comments/${created.id}`,
      headers: author.headers,
    });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect((await thread(postId)).comments.map((c) => c.id)).not.toContain(created.id);
    expect(await commentsOf(postId)).toBe(1);
  });

  it("lets the post's author delete anyone's comment on their post", async () => {
    const author = await signUp(t.app);
    const reader = await signUp(t.app);
    const postId = await createPost(t.app, author);
    const theirs = await comment(reader, postId, 'Spam spam spam');
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/comments/${theirs.id}`,
      headers: author.headers,
    });
    expect(response.statusCode).toBe(204);
    expect(await commentsOf(postId)).toBe(0);
  });

  it('answers 404 Comment not found, then 403 to a third user, and keeps the comment', async () => {
    const author = await signUp(t.app);
    const reader = await signUp(t.app);
    const stranger = await signUp(t.app);
    const postId = await createPost(t.app, author);
    const theirs = await comment(reader, postId);
    const missing = await t.app.inject({
      method: 'DELETE',
      url: `/api/comments/${ABSENT}`,
      headers: stranger.headers,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'Comment not found' });
    const forbidden = await t.app.inject({
      method: 'DELETE',
      url: `/api/comments/${theirs.id}`,
      headers: stranger.headers,
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ detail: 'Not authorized to delete this comment' });
    expect(await commentsOf(postId)).toBe(1);
  });
});

describe('comments and the rest', () => {
  it("go with their post, and with their author's account, and the counts follow", async () => {
    const author = await signUp(t.app);
    const reader = await signUp(t.app);
    const first = await createPost(t.app, author);
    const second = await createPost(t.app, author);
    await comment(reader, first);
    await comment(author, first);
    await comment(reader, second);

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${reader.id}`,
      headers: reader.headers,
    });
    expect(deleted.statusCode).toBe(204);
    expect(await commentsOf(first)).toBe(1);
    expect(await commentsOf(second)).toBe(0);
    expect((await thread(first)).comments.map((c) => c.author.id)).toEqual([author.id]);

    await t.app.inject({ method: 'DELETE', url: `/api/posts/${first}`, headers: author.headers });
    expect((await t.app.inject(`/api/posts/${first}/comments`)).statusCode).toBe(404);
  });

  it("show on the post's page at once, escaped, and the count on the feed's card", async () => {
    const author = await signUp(t.app);
    const reader = await signUp(t.app);
    const postId = await createPost(t.app, author);
    const page = await postPagePath(t.app, postId);
    const before = await t.app.inject(page);
    expect(before.body).toContain('No comments yet.');
    const etag = before.headers.etag as string;

    await comment(reader, postId, '<script>alert("hi")</script> Lovely post');
    const after = await t.app.inject({ url: page, headers: { 'if-none-match': etag } });
    expect(after.statusCode, 'a cached page does not hide the new comment').toBe(200);
    expect(after.body).toMatch(
      /&lt;script(&gt;|>)alert\((&#34;|&quot;)hi(&#34;|&quot;)\)&lt;\/script(&gt;|>) Lovely post/,
    );
    expect(after.body).not.toContain('<script>alert');
    expect(after.body).toContain(`data-author-id="${reader.id}"`);
    expect(after.body).toMatch(/id="commentCount"[^>]*>\(1 comment\)/);
    expect((await t.app.inject('/')).body).toContain('1 comment<');
  });
});
