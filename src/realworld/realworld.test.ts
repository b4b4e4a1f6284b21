// The RealWorld API (SPEC section 16): what one API writes the other reads at once, in both
// directions; RealWorld's shapes, errors and statuses; the token schemes; CORS; its OpenAPI document.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPost, createTestApp, signUp, type TestApp, type TestUser } from '../../test/support/index.js';
import type { Comment as OurComment } from '../comments/comments.schemas.js';
import type { PostDetail } from '../posts/posts.schemas.js';
import type { Article, ArticleListed, Comment, ErrorResponse, Profile } from './realworld.schemas.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const API = '/conduit/api';
const token = (user: TestUser) => ({ authorization: `Token ${user.token}` });

async function rw<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  options: { user?: TestUser; payload?: object; status?: number } = {},
): Promise<T> {
  const response = await t.app.inject({
    method,
    url: `${API}${url}`,
    headers: options.user ? token(options.user) : {},
    ...(options.payload && { payload: options.payload }),
  });
  expect(response.statusCode, response.body).toBe(options.status ?? 200);
  return (response.body === '' ? undefined : response.json()) as T;
}

async function ours<T>(
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
  url: string,
  user?: TestUser,
  payload?: object,
) {
  const response = await t.app.inject({
    method,
    url: `/api${url}`,
    headers: user?.headers ?? {},
    ...(payload && { payload }),
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json<T>();
}

describe('one blog, two APIs', () => {
  it('a post written through /api is an article with its slug, tags, favorites and comments', async () => {
    const [ann, bob] = [await signUp(t.app), await signUp(t.app)];
    const id = await createPost(t.app, ann, {
      title: 'Dragons, trained',
      content: 'Very *carefully*.',
      description: 'Ever wonder how?',
    });
    await ours('PATCH', `/posts/${id}`, ann, { tags: ['training', 'dragons'] });
    await ours('POST', `/posts/${id}/like`, bob);
    await ours('POST', `/posts/${id}/comments`, bob, { content: 'Thank you!' });
    await ours('POST', `/users/${ann.id}/follow`, bob);

    const { article } = await rw<{ article: Article }>('GET', `/articles/dragons-trained-${id}`, {
      user: bob,
    });
    expect(article).toMatchObject({
      slug: `dragons-trained-${id}`,
      title: 'Dragons, trained',
      description: 'Ever wonder how?',
      body: 'Very *carefully*.',
      tagList: ['dragons', 'training'],
      favorited: true,
      favoritesCount: 1,
      author: { username: ann.username, following: true, bio: null },
    });
    expect(article.author.image).toMatch(/^https?:\/\/[^/]+\/static\/profile_pics\/default\.jpg$/);
    // Signed out: nobody's favorite, nobody's follow.
    const signedOut = await rw<{ article: Article }>('GET', `/articles/dragons-trained-${id}`);
    expect(signedOut.article).toMatchObject({
      favorited: false,
      favoritesCount: 1,
      author: { following: false },
    });

    const { comments } = await rw<{ comments: Comment[] }>('GET', `/articles/dragons-trained-${id}/comments`);
    expect(comments).toMatchObject([{ body: 'Thank you!', author: { username: bob.username } }]);

    const byTag = await rw<{ articles: ArticleListed[]; articlesCount: number }>(
      'GET',
      '/articles?tag=dragons',
    );
    expect(byTag.articlesCount).toBe(1);
    expect(byTag.articles[0]).not.toHaveProperty('body');
    const favorited = await rw<{ articlesCount: number }>('GET', `/articles?favorited=${bob.username}`);
    expect(favorited.articlesCount).toBe(1);
    const feed = await rw<{ articles: ArticleListed[] }>('GET', '/articles/feed', { user: bob });
    expect(feed.articles.map((listed) => listed.slug)).toEqual([`dragons-trained-${id}`]);
  });

  it('an article written through RealWorld is a post, and its changes show at once under /api', async () => {
    const [ann, bob] = [await signUp(t.app), await signUp(t.app)];
    const { article } = await rw<{ article: Article }>('POST', '/articles', {
      user: ann,
      status: 201,
      payload: {
        article: {
          title: 'How to train your dragon',
          description: 'Ever wonder how?',
          body: 'Very carefully.',
          tagList: ['training', 'dragons'],
        },
      },
    });
    const id = Number(/-(\d+)$/.exec(article.slug)?.[1]);
    expect(article.slug).toBe(`how-to-train-your-dragon-${id}`);

    let post = await ours<PostDetail>('GET', `/posts/${id}`);
    expect(post).toMatchObject({
      title: 'How to train your dragon',
      description: 'Ever wonder how?',
      content: 'Very carefully.',
      tags: ['training', 'dragons'],
      status: 'published',
      likes: 0,
      author: { id: ann.id },
    });

    await rw('PUT', `/articles/${article.slug}`, {
      user: ann,
      payload: { article: { body: 'With two hands' } },
    });
    await rw('POST', `/articles/${article.slug}/favorite`, { user: bob });
    const { comment } = await rw<{ comment: Comment }>('POST', `/articles/${article.slug}/comments`, {
      user: bob,
      payload: { comment: { body: 'Nice' } },
    });
    post = await ours<PostDetail>('GET', `/posts/${id}`);
    expect(post).toMatchObject({
      content: 'With two hands',
      title: 'How to train your dragon',
      likes: 1,
      comments: 1,
    });
    expect(await ours('GET', `/posts/${id}/like`, bob)).toEqual({ likes: 1, liked: true });
    const page = await ours<{ comments: OurComment[] }>('GET', `/posts/${id}/comments`);
    expect(page.comments).toMatchObject([{ id: comment.id, content: 'Nice', author: { id: bob.id } }]);

    // A new title makes a new slug; the id still names the post, so the old address keeps working.
    const renamed = await rw<{ article: Article }>('PUT', `/articles/${article.slug}`, {
      user: ann,
      payload: { article: { title: 'Dragons' } },
    });
    expect(renamed.article.slug).toBe(`dragons-${id}`);
    expect((await rw<{ article: Article }>('GET', `/articles/${article.slug}`)).article.title).toBe(
      'Dragons',
    );

    await rw('DELETE', `/articles/dragons-${id}/comments/${comment.id}`, { user: bob, status: 204 });
    expect((await ours<{ total: number }>('GET', `/posts/${id}/comments`)).total).toBe(0);
    await rw('DELETE', `/articles/dragons-${id}`, { user: ann, status: 204 });
    const gone = await t.app.inject(`/api/posts/${id}`);
    expect(gone.statusCode).toBe(404);
  });

  it("updatedAt is the post's time of last change: createdAt at first, later after a PUT, never moved by readers", async () => {
    const [ann, bob] = [await signUp(t.app), await signUp(t.app)];
    const { article } = await rw<{ article: Article }>('POST', '/articles', {
      user: ann,
      status: 201,
      payload: { article: { title: 'Kites', description: 'Flying them', body: 'Wind.', tagList: ['air'] } },
    });
    expect(article.updatedAt).toBe(article.createdAt);

    await new Promise((resolve) => setTimeout(resolve, 20));
    await rw('POST', `/articles/${article.slug}/favorite`, { user: bob });
    await rw('POST', `/articles/${article.slug}/comments`, {
      user: bob,
      payload: { comment: { body: 'Lovely' } },
    });
    const read = await rw<{ article: Article }>('GET', `/articles/${article.slug}`);
    expect(read.article).toMatchObject({ favoritesCount: 1, updatedAt: article.createdAt });

    const { article: changed } = await rw<{ article: Article }>('PUT', `/articles/${article.slug}`, {
      user: ann,
      payload: { article: { body: 'More wind.' } },
    });
    expect(changed.createdAt).toBe(article.createdAt);
    expect(Date.parse(changed.updatedAt)).toBeGreaterThan(Date.parse(changed.createdAt));
    // The same time through both APIs, in one article and in lists.
    const id = Number(/-(\d+)$/.exec(article.slug)?.[1]);
    expect(await ours<PostDetail>('GET', `/posts/${id}`)).toMatchObject({
      date_posted: article.createdAt,
      updated_at: changed.updatedAt,
    });
    const listed = await rw<{ articles: ArticleListed[] }>('GET', '/articles?tag=air');
    expect(listed.articles[0]).toMatchObject({ createdAt: article.createdAt, updatedAt: changed.updatedAt });
  });

  it('users and profiles: registered through one API, signed in and followed through the other', async () => {
    const { user } = await rw<{ user: { token: string; username: string } }>('POST', '/users', {
      status: 201,
      payload: { user: { username: 'Celeb', email: 'Celeb@Example.com', password: 'password123' } },
    });
    expect(user).toMatchObject({ username: 'Celeb', email: 'celeb@example.com', bio: null });
    // The token works under /api too, as Bearer and as Token.
    let celebId = 0;
    for (const scheme of ['Bearer', 'Token']) {
      const me = await t.app.inject({
        url: '/api/users/me',
        headers: { authorization: `${scheme} ${user.token}` },
      });
      expect(me.statusCode, me.body).toBe(200);
      celebId = me.json<{ id: number }>().id;
    }
    const fan = await signUp(t.app);
    const login = await rw<{ user: { token: string } }>('POST', '/users/login', {
      payload: { user: { email: fan.email, password: fan.password } },
    });
    const { profile } = await rw<{ profile: Profile }>('POST', '/profiles/celeb/follow', {
      user: { ...fan, token: login.user.token },
    });
    expect(profile).toMatchObject({ username: 'Celeb', following: true });
    expect(await ours('GET', `/users/${celebId}`, fan)).toMatchObject({ followers: 1, followed: true });

    await rw('PUT', '/user', { user: fan, payload: { user: { bio: 'Fan of dragons', username: 'fan' } } });
    expect(await ours('GET', '/users/me', fan)).toMatchObject({ username: 'fan', bio: 'Fan of dragons' });
    const seen = await rw<{ profile: Profile }>('GET', '/profiles/FAN');
    expect(seen.profile).toMatchObject({ username: 'fan', bio: 'Fan of dragons', following: false });
  });
});

describe('errors in RealWorld shape', () => {
  const errorOf = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    status: number,
    options: { user?: TestUser; payload?: object } = {},
  ) => rw<ErrorResponse>(method, url, { ...options, status });

  it('422 for validation and taken names, 401 without a token, 404 for nothing, while /api keeps its shape', async () => {
    const ann = await signUp(t.app);
    expect(
      await errorOf('POST', '/users', 422, { payload: { user: { username: 'x', email: 'not-an-email' } } }),
    ).toEqual({
      errors: { email: [expect.any(String)], password: ['Field required'] },
    });
    expect(
      await errorOf('POST', '/users', 422, {
        payload: { user: { username: ann.username, email: 'other@example.com', password: 'password123' } },
      }),
    ).toEqual({ errors: { username: ['Username already exists'] } });
    expect(
      await errorOf('POST', '/users/login', 401, {
        payload: { user: { email: ann.email, password: 'wrong-password' } },
      }),
    ).toEqual({
      errors: { body: ['Incorrect email or password.'] },
    });
    expect(
      await errorOf('POST', '/articles', 422, {
        user: ann,
        payload: { article: { title: 'T', description: 'D' } },
      }),
    ).toEqual({
      errors: { body: ['Field required'] },
    });
    expect(
      await errorOf('POST', '/articles', 422, {
        user: ann,
        payload: { article: { title: 'T', description: 'D', body: 'B', tagList: ['no tag!'] } },
      }),
    ).toMatchObject({
      errors: { tagList: [expect.stringContaining('is not a tag')] },
    });
    const unauthenticated = await t.app.inject({ url: `${API}/user` });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.headers['www-authenticate']).toBe('Token');
    expect(unauthenticated.json()).toEqual({ errors: { body: ['Not authenticated'] } });
    expect(await errorOf('GET', '/articles/no-such-article', 404)).toEqual({
      errors: { body: ['Article not found'] },
    });
    expect(await errorOf('GET', '/articles/anything-2000000000', 404)).toEqual({
      errors: { body: ['Post not found'] },
    });
    expect(await errorOf('GET', '/profiles/nobody', 404)).toEqual({ errors: { body: ['User not found'] } });
    expect(await errorOf('GET', '/no/such/route', 404)).toEqual({ errors: { body: ['Not Found'] } });
    expect(await errorOf('POST', `/profiles/${ann.username}/follow`, 422, { user: ann })).toEqual({
      errors: { body: ['You cannot follow yourself'] },
    });
    expect(
      await errorOf('PUT', '/user', 422, { user: ann, payload: { user: { password: 'new-password' } } }),
    ).toMatchObject({
      errors: { password: [expect.stringContaining('/api/users/me/password')] },
    });
    expect(await errorOf('GET', '/articles?tag=a&author=b', 422)).toMatchObject({
      errors: { query: [expect.any(String)] },
    });
    const form = await t.app.inject({
      method: 'POST',
      url: `${API}/users`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'user=x',
    });
    expect(form.statusCode).toBe(422);

    // Our own API answers the same errors in its own shape.
    const ourMissing = await t.app.inject('/api/posts/2000000000');
    expect(ourMissing.json()).toEqual({ detail: 'Post not found' });
    const ourUnauthenticated = await t.app.inject('/api/users/me');
    expect(ourUnauthenticated.json()).toEqual({ detail: 'Not authenticated' });
  });

  it('a name nobody has lists no articles, as RealWorld answers it', async () => {
    for (const filter of ['author', 'favorited']) {
      expect(await rw('GET', `/articles?${filter}=johnjacob`)).toEqual({ articles: [], articlesCount: 0 });
    }
  });
});

describe('browsers and documents', () => {
  it('answers CORS preflights and requests from any origin in development', async () => {
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: `${API}/articles`,
      headers: { origin: 'http://localhost:4200', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-headers']).toContain('Authorization');
    const read = await t.app.inject({ url: `${API}/tags`, headers: { origin: 'http://localhost:4200' } });
    expect(read.headers['access-control-allow-origin']).toBe('*');
    // Our own API stays same-origin.
    const ourRead = await t.app.inject({ url: '/api/tags', headers: { origin: 'http://localhost:4200' } });
    expect(ourRead.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves its own OpenAPI document, listed in /docs, with none of its routes in ours', async () => {
    const document = (await t.app.inject(`${API}/openapi.json`)).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([`${API}/users/login`, `${API}/articles/{slug}/comments/{id}`, `${API}/tags`]),
    );
    expect(document.paths[`${API}/articles/{slug}`]).toHaveProperty('delete.x-access', 'owner');
    const ourPaths = Object.keys((await t.app.inject('/openapi.json')).json<{ paths: object }>().paths);
    expect(ourPaths.filter((path) => path.startsWith('/conduit'))).toEqual([]);
    const initializer = await t.app.inject('/docs/static/swagger-initializer.js');
    expect(initializer.body).toContain(`${API}/openapi.json`);
  });
});
