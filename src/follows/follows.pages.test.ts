// The home page's Latest / Following tabs as the server sends them. Pages are the same for every
// visitor (the reader is known only to the browser, by its token): the tabs are marked for signed-in
// readers only, and the Following page carries no one's feed; its browser module asks the API, which
// refuses visitors without a token.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPost, createTestApp, signUp, type TestApp } from '../../test/support/index.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

/** The `<nav>` of the tabs in a page, or undefined. */
const tabsOf = (html: string) => /<nav class="feed-tabs[^"]*"[\s\S]*?<\/nav>/.exec(html)?.[0];

describe('the home page', () => {
  it('has Latest (current) and Following tabs, shown to signed-in readers only', async () => {
    const reader = await signUp(t.app);
    const anonymous = await t.app.inject('/');
    const signedIn = await t.app.inject({ url: '/', headers: reader.headers });
    expect([anonymous.statusCode, signedIn.statusCode]).toEqual([200, 200]);
    expect(signedIn.body).toBe(anonymous.body);
    const tabs = tabsOf(anonymous.body);
    expect(tabs).toContain('class="feed-tabs when-signed-in mb-3" aria-label="Feeds"');
    expect(tabs).toContain('<a class="nav-link active" href="/" aria-current="page">Latest</a>');
    expect(tabs).toContain('<a class="nav-link" href="/following">Following</a>');
  });
});

describe('/following', () => {
  it('is the same page for everyone, with the Following tab current and nobody’s posts in it', async () => {
    const author = await signUp(t.app, { username: 'followed_author' });
    const reader = await signUp(t.app);
    await t.app.inject({ method: 'POST', url: `/api/users/${author.id}/follow`, headers: reader.headers });
    await createPost(t.app, author, { title: 'A followed post', content: 'Hello.' });

    const anonymous = await t.app.inject('/following');
    const signedIn = await t.app.inject({ url: '/following', headers: reader.headers });
    expect([anonymous.statusCode, signedIn.statusCode]).toEqual([200, 200]);
    expect(signedIn.body).toBe(anonymous.body);
    expect(anonymous.headers['content-type']).toBe('text/html; charset=utf-8');
    const tabs = tabsOf(anonymous.body);
    expect(tabs).toContain('<a class="nav-link" href="/">Latest</a>');
    expect(tabs).toContain('<a class="nav-link active" href="/following" aria-current="page">Following</a>');
    expect(anonymous.body).toContain('data-source="/api/feed"');
    expect(anonymous.body).toContain('src="/static/js/follows/following.js');
    expect(anonymous.body).not.toContain('A followed post');
    expect(anonymous.body).not.toContain('followed_author');
  });

  it('gets its content from the API, which answers only the signed-in reader', async () => {
    const reader = await signUp(t.app);
    for (const url of ['/api/feed', '/api/feed/suggestions']) {
      expect((await t.app.inject(url)).statusCode, url).toBe(401);
      expect((await t.app.inject({ url, headers: reader.headers })).statusCode, url).toBe(200);
    }
  });
});
