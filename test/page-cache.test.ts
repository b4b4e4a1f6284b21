import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, postPagePath, signUp, type TestApp, type TestUser } from './support/index.js';

describe('caching for a CDN', () => {
  let t: TestApp;
  let author: TestUser;
  let postId: number;
  let postUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.reset();
    author = await signUp(t.app);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: author.headers,
      payload: { title: 'Cached', content: 'x' },
    });
    postId = created.json<{ id: number }>().id;
    postUrl = await postPagePath(t.app, postId);
  });

  const pages = () => ['/', postUrl, `/users/${author.id}/posts`, '/feed.xml', '/sitemap.xml'];

  /** The public reads of the API, the same for every visitor. */
  const apiReads = () => [
    '/api/posts',
    '/api/posts?limit=5',
    `/api/posts/${postId}`,
    `/api/users/${author.id}/posts`,
    `/api/posts/${postId}/comments`,
  ];

  it('sends a strong ETag and a shared-cache lifetime, with no browser lifetime, on every public page and read', async () => {
    for (const url of [...pages(), ...apiReads()]) {
      const response = await t.app.inject(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers.etag, url).toMatch(/^"[^"]+"$/);
      // SPEC 11: a browser revalidates on every visit, so a new comment shows at once; only a shared
      // cache may keep an answer, for a minute.
      expect(response.headers['cache-control'], url).toBe('public, max-age=0, s-maxage=60');
    }
  });

  it('answers a conditional read of the API with 304 before reading any post', async () => {
    for (const url of apiReads()) {
      const first = await t.app.inject(url);
      const page = vi.spyOn(t.app.postsService, 'page');
      const get = vi.spyOn(t.app.postsService, 'get');
      const byUser = vi.spyOn(t.app.postsService, 'pageByUser');
      const comments = vi.spyOn(t.app.commentsService, 'page');
      try {
        const again = await t.app.inject({ url, headers: { 'if-none-match': String(first.headers.etag) } });
        expect(again.statusCode, url).toBe(304);
        expect(again.body, url).toBe('');
        for (const spy of [page, get, byUser, comments]) expect(spy, url).not.toHaveBeenCalled();
      } finally {
        vi.restoreAllMocks();
      }
    }
  });

  it('keeps an API answer per query: what a page of another size or cursor shows is its own', async () => {
    for (let n = 0; n < 3; n += 1) {
      await t.app.inject({
        method: 'POST',
        url: '/api/posts',
        headers: author.headers,
        payload: { content: `p${n}` },
      });
    }
    const whole = (await t.app.inject('/api/posts')).json<{ posts: unknown[]; next_cursor: string | null }>();
    const two = (await t.app.inject('/api/posts?limit=2')).json<{ posts: unknown[]; next_cursor: string }>();
    expect(whole.posts).toHaveLength(4);
    expect(two.posts).toHaveLength(2);
    const rest = await t.app.inject(`/api/posts?limit=2&cursor=${encodeURIComponent(two.next_cursor)}`);
    expect(rest.json<{ posts: unknown[] }>().posts).toEqual(whole.posts.slice(2));
    // Parameters the route does not read share the entry of the query without them.
    expect((await t.app.inject('/api/posts?utm=1')).body).toBe((await t.app.inject('/api/posts')).body);
  });

  it('serves a kept API answer only while nothing changed', async () => {
    const read = async () => (await t.app.inject(`/api/posts/${postId}`)).json<{ title: string }>();
    expect((await read()).title).toBe('Cached');
    await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${postId}`,
      headers: author.headers,
      payload: { title: 'Changed' },
    });
    expect((await read()).title).toBe('Changed');
  });

  it('answers a conditional GET with 304 and no body while nothing changed', async () => {
    for (const url of pages()) {
      const first = await t.app.inject(url);
      const again = await t.app.inject({ url, headers: { 'if-none-match': String(first.headers.etag) } });
      expect(again.statusCode, url).toBe(304);
      expect(again.body, url).toBe('');
      expect(again.headers.etag).toBe(first.headers.etag);
      // RFC 9110 section 8.6: a 304 carries no Content-Length unless it is the full answer's.
      expect(again.headers['content-length'], url).toBeUndefined();
    }
  });

  it('changes the ETag when a post is written, edited, liked or deleted, or its author renamed', async () => {
    const etag = async () => String((await t.app.inject('/')).headers.etag);
    const changes = [
      () =>
        t.app.inject({
          method: 'POST',
          url: '/api/posts',
          headers: author.headers,
          payload: { content: 'new' },
        }),
      () =>
        t.app.inject({
          method: 'PATCH',
          url: `/api/posts/${postId}`,
          headers: author.headers,
          payload: { content: 'edited' },
        }),
      () => t.app.inject({ method: 'POST', url: `/api/posts/${postId}/like`, headers: author.headers }),
      () =>
        t.app.inject({
          method: 'PATCH',
          url: `/api/users/${author.id}`,
          headers: author.headers,
          payload: { username: 'renamed' },
        }),
      () => t.app.inject({ method: 'DELETE', url: `/api/posts/${postId}`, headers: author.headers }),
    ];
    let before = await etag();
    for (const change of changes) {
      expect((await change()).statusCode).toBeLessThan(300);
      const after = await etag();
      expect(after).not.toBe(before);
      const stale = await t.app.inject({ url: '/', headers: { 'if-none-match': before } });
      expect(stale.statusCode).toBe(200);
      before = after;
    }
  });

  it('serves a kept page only while nothing changed: every write shows on the next visit', async () => {
    const show = async (url: string) => (await t.app.inject(url)).body;
    const userUrl = `/users/${author.id}/posts`;
    expect(await show('/')).toBe(await show('/'));
    await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${postId}`,
      headers: author.headers,
      payload: { title: 'Edited title' },
    });
    // The new title makes a new slug: the old address leads to the new one.
    const editedUrl = await postPagePath(t.app, postId);
    expect(editedUrl).toBe(`/posts/${postId}/edited-title`);
    const old = await t.app.inject(postUrl);
    expect([old.statusCode, old.headers.location]).toEqual([301, editedUrl]);
    for (const url of ['/', editedUrl, userUrl, '/feed.xml'])
      expect(await show(url), url).toContain('Edited title');
    await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${author.id}`,
      headers: author.headers,
      payload: { username: 'newname' },
    });
    for (const url of ['/', editedUrl, userUrl, '/feed.xml'])
      expect(await show(url), url).toContain('newname');
    await t.app.inject({ method: 'DELETE', url: `/api/posts/${postId}`, headers: author.headers });
    expect(await show('/')).not.toContain('Edited title');
    expect((await t.app.inject(editedUrl)).statusCode).toBe(404);
  });

  it('keeps pages by path only where the query string does not matter', async () => {
    const withToken = await t.app.inject('/reset-password?token=abc');
    const without = await t.app.inject('/reset-password');
    expect(withToken.body).not.toBe(without.body);
    expect((await t.app.inject('/?x=1')).body).toBe((await t.app.inject('/')).body);
  });

  it('sends ETags on API reads and honours If-None-Match', async () => {
    const first = await t.app.inject('/api/posts');
    expect(first.headers.etag).toBeTruthy();
    const again = await t.app.inject({
      url: '/api/posts',
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it('revalidates a private read by the hash of its body, tag by tag, and only for GET and HEAD', async () => {
    const me = { url: '/api/users/me', headers: author.headers };
    const first = await t.app.inject(me);
    expect(first.statusCode).toBe(200);
    const tag = String(first.headers.etag);
    expect(tag).toMatch(/^"[^"]+"$/);
    expect(first.headers['cache-control']).toBeUndefined();

    for (const ifNoneMatch of [tag, `"elsewhere", ${tag}`, `W/${tag}`, '*']) {
      const again = await t.app.inject({ ...me, headers: { ...me.headers, 'if-none-match': ifNoneMatch } });
      expect(again.statusCode, ifNoneMatch).toBe(304);
      expect(again.body, ifNoneMatch).toBe('');
      expect(again.headers['content-length'], ifNoneMatch).toBeUndefined();
      expect(again.headers.etag, ifNoneMatch).toBe(tag);
    }
    const other = await t.app.inject({ ...me, headers: { ...me.headers, 'if-none-match': '"elsewhere"' } });
    expect(other.statusCode).toBe(200);
    expect(other.json()).toEqual(first.json());

    // A write is not a conditional GET: it is made and answered, whatever If-None-Match says.
    const renamed = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${author.id}`,
      headers: { ...author.headers, 'if-none-match': '*' },
      payload: { username: 'renamed_author' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ username: 'renamed_author' });
  });

  it('links fingerprinted assets, cached for good, and revalidates plain ones', async () => {
    const html = (await t.app.inject('/')).body;
    const css = /href="(\/static\/css\/site\.css\?v=[\w-]+)"/.exec(html)?.[1];
    expect(css).toBeDefined();
    const fingerprinted = await t.app.inject(css ?? '');
    expect(fingerprinted.statusCode).toBe(200);
    expect(fingerprinted.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const plain = await t.app.inject('/static/css/site.css');
    expect(plain.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    const revalidated = await t.app.inject({
      url: '/static/css/site.css',
      headers: { 'if-none-match': String(plain.headers.etag) },
    });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    expect(revalidated.headers['content-length']).toBeUndefined();
  });
});
