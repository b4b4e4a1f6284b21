// No RealWorld route is a way around a rule of the blog: ownership (403 for someone else's article or
// comment), suspension (the token stops working at once, login is refused), drafts (not found), and the
// rate limits, which count sign-ups and logins through both APIs together.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPost, createTestApp, signUp, type TestApp, type TestUser } from '../../test/support/index.js';

const API = '/conduit/api';
const token = (user: TestUser) => ({ authorization: `Token ${user.token}` });

describe('ownership, suspension and drafts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  const inject = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    user?: TestUser,
    payload?: object,
  ) =>
    t.app.inject({
      method,
      url: `${API}${url}`,
      headers: user ? token(user) : {},
      ...(payload && { payload }),
    });

  it("answers 403 to anyone changing or deleting someone else's article or comment, and changes nothing", async () => {
    const [ann, bob, eve] = [await signUp(t.app), await signUp(t.app), await signUp(t.app)];
    const id = await createPost(t.app, ann, { title: 'Mine', content: 'Words' });
    const comment = await t.app.inject({
      method: 'POST',
      url: `/api/posts/${id}/comments`,
      headers: bob.headers,
      payload: { content: "Bob's" },
    });
    const commentId = comment.json<{ id: number }>().id;

    const forbidden = [
      await inject('PUT', `/articles/mine-${id}`, eve, { article: { body: 'Taken over' } }),
      await inject('DELETE', `/articles/mine-${id}`, eve),
      await inject('DELETE', `/articles/mine-${id}/comments/${commentId}`, eve),
    ];
    for (const response of forbidden) {
      expect(response.statusCode, response.body).toBe(403);
      expect(Object.keys(response.json<{ errors: object }>().errors)).toEqual(['body']);
    }
    // A comment named under another article is not found there.
    const other = await createPost(t.app, eve, { title: 'Other', content: 'Words' });
    expect((await inject('DELETE', `/articles/other-${other}/comments/${commentId}`, eve)).statusCode).toBe(
      404,
    );

    const post = await t.app.inject(`/api/posts/${id}`);
    expect(post.json()).toMatchObject({ content: 'Words', comments: 1 });
    // The post's author may delete a comment on it, as under /api.
    expect((await inject('DELETE', `/articles/mine-${id}/comments/${commentId}`, ann)).statusCode).toBe(204);
    // Without a token: 401 before anything is read.
    expect((await inject('DELETE', `/articles/mine-${id}`)).statusCode).toBe(401);
  });

  it("a suspended user's token stops working on every RealWorld route at once, and they cannot log in", async () => {
    const [admin, ann] = [await signUp(t.app), await signUp(t.app)];
    await t.app.usersService.setStanding(admin.id, { role: 'admin' });
    const { article } = (
      await inject('POST', '/articles', ann, { article: { title: 'Before', description: '', body: 'Text' } })
    ).json<{ article: { slug: string } }>();

    const suspended = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${ann.id}`,
      headers: admin.headers,
      payload: { suspended: true },
    });
    expect(suspended.statusCode, suspended.body).toBe(200);

    for (const [method, url, payload] of [
      ['GET', '/user'],
      ['PUT', '/user', { user: { bio: 'still here' } }],
      ['POST', '/articles', { article: { title: 'After', description: '', body: 'Text' } }],
      ['PUT', `/articles/${article.slug}`, { article: { body: 'Changed' } }],
      ['DELETE', `/articles/${article.slug}`],
      ['POST', `/articles/${article.slug}/favorite`],
      ['POST', `/articles/${article.slug}/comments`, { comment: { body: 'Hi' } }],
      ['POST', `/profiles/${admin.username}/follow`],
      ['GET', '/articles/feed'],
    ] as const) {
      const response = await inject(method, url, ann, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(401);
    }
    const login = await inject('POST', '/users/login', undefined, {
      user: { email: ann.email, password: ann.password },
    });
    expect(login.statusCode).toBe(403);
    expect(login.json()).toEqual({ errors: { body: ['Account suspended.'] } });
  });

  it("a draft is its author's alone: not listed, not found, not favorited or commented by others", async () => {
    const [ann, bob] = [await signUp(t.app), await signUp(t.app)];
    const id = await createPost(t.app, ann, { title: 'Draft', content: 'Soon', status: 'draft' });
    expect((await inject('GET', `/articles/draft-${id}`, ann)).statusCode).toBe(200);
    for (const [method, url] of [
      ['GET', `/articles/draft-${id}`],
      ['POST', `/articles/draft-${id}/favorite`],
    ] as const) {
      expect((await inject(method, url, bob)).statusCode, `${method} ${url}`).toBe(404);
    }
    const comment = await inject('POST', `/articles/draft-${id}/comments`, bob, { comment: { body: 'Hi' } });
    expect(comment.statusCode).toBe(404);
    expect((await inject('GET', `/articles?author=${ann.username}`)).json()).toEqual({
      articles: [],
      articlesCount: 0,
    });
  });
});

describe('rate limits and CORS in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      NODE_ENV: 'production',
      FRONTEND_URL: 'https://blog.example.com',
      RATE_LIMIT: 'true',
      RATE_LIMIT_REGISTER: '3/1h',
      RATE_LIMIT_LOGIN: '3/1m',
      REALWORLD_CORS_ORIGINS: 'https://app.example.com',
    });
  });
  afterAll(() => t.close());

  const register = (url: string, n: number, wrapped: boolean) => {
    const fields = { username: `limited${n}`, email: `limited${n}@example.com`, password: 'password123' };
    return t.app.inject({ method: 'POST', url, payload: wrapped ? { user: fields } : fields });
  };

  it('sign-ups and logins count against one limit through both APIs', async () => {
    expect((await register('/api/users', 1, false)).statusCode).toBe(201);
    expect((await register(`${API}/users`, 2, true)).statusCode).toBe(201);
    expect((await register('/api/users', 3, false)).statusCode).toBe(201);
    const refused = await register(`${API}/users`, 4, true);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json()).toEqual({ errors: { body: ['Too many requests. Try again later.'] } });
    expect((await register('/api/users', 5, false)).statusCode).toBe(429);

    const credentials = { email: 'limited1@example.com', password: 'password123' };
    const login = (url: string) =>
      url === '/api/users/token'
        ? t.app.inject({
            method: 'POST',
            url,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: new URLSearchParams({
              username: credentials.email,
              password: credentials.password,
            }).toString(),
          })
        : t.app.inject({ method: 'POST', url, payload: { user: credentials } });
    expect((await login(`${API}/users/login`)).statusCode).toBe(200);
    expect((await login('/api/users/token')).statusCode).toBe(200);
    expect((await login(`${API}/users/login`)).statusCode).toBe(200);
    expect((await login('/api/users/token')).statusCode).toBe(429);
    expect((await login(`${API}/users/login`)).statusCode).toBe(429);
  });

  it('answers CORS to the listed origins only, and profile pictures are absolute URLs of the site', async () => {
    const allowed = await t.app.inject({
      url: `${API}/tags`,
      headers: { origin: 'https://app.example.com' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers.vary).toContain('Origin');
    const other = await t.app.inject({ url: `${API}/tags`, headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();

    const profile = await t.app.inject(`${API}/profiles/limited1`);
    expect(profile.json()).toMatchObject({
      profile: { image: 'https://blog.example.com/static/profile_pics/default.jpg' },
    });
  });
});

// Needs a Redis server (CI sets TEST_REDIS_URL): several instances count one limit through both APIs.
const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)('rate limits shared through Redis by both APIs', () => {
  let first: TestApp;
  let second: TestApp;
  // An address of its own, so that no other test file's logins count against this one's.
  const remoteAddress = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;
  const env = { RATE_LIMIT: 'true', REDIS_URL: redisUrl ?? '', RATE_LIMIT_LOGIN: '4/1m' };

  beforeAll(async () => {
    [first, second] = await Promise.all([createTestApp(env), createTestApp(env)]);
    // Without an offline queue, a limit is skipped until the connection is up: wait for it.
    for (const t of [first, second]) {
      while (t.app.redis?.status !== 'ready') await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  afterAll(async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl ?? '');
    const keys = await redis.keys(`blog:*${remoteAddress}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await Promise.all([first.close(), second.close()]);
  });

  it('counts logins per address across instances and across /api and /conduit/api', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const email = `nobody${i}-${remoteAddress}@example.com`;
      const response =
        i % 2 === 0
          ? await first.app.inject({
              method: 'POST',
              url: '/api/users/token',
              remoteAddress,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              payload: new URLSearchParams({ username: email, password: 'password123' }).toString(),
            })
          : await second.app.inject({
              method: 'POST',
              url: `${API}/users/login`,
              remoteAddress,
              payload: { user: { email, password: 'password123' } },
            });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });
});
