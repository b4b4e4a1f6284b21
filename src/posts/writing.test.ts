// Writing (SPEC section 12) through the API: Markdown rendered on write, drafts seen by their author
// alone, scheduled posts published by the job queue at their time, previews, and a renderer upgrade.
// Runs on PGlite, and on the real server when TEST_DATABASE_URL is set.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp, type TestUser } from '../../test/support/index.js';
import { expectHarmless, hostileMarkdown } from './posts.fixtures.js';

interface PostJson {
  id: number;
  title: string | null;
  content: string;
  slug: string;
  description: string | null;
  excerpt: string;
  status: 'published' | 'draft' | 'scheduled';
  publish_at: string | null;
  date_posted: string;
  updated_at: string;
  reading_minutes: number;
  content_html?: string;
}

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

async function write(user: TestUser, payload: Record<string, unknown>, method = 'POST', id?: number) {
  const response = await t.app.inject({
    method: method as 'POST',
    url: id === undefined ? '/api/posts' : `/api/posts/${id}`,
    headers: user.headers,
    payload,
  });
  expect(response.statusCode, response.body).toBe(id === undefined ? 201 : 200);
  return response.json<PostJson>();
}

const get = (url: string, user?: TestUser) => t.app.inject({ url, headers: user?.headers ?? {} });

async function feedTotal(): Promise<number> {
  return (await get('/api/posts')).json<{ total: number }>().total;
}

describe('Markdown, rendered when the post is written', () => {
  it('answers content_html on the post, an excerpt, a slug and a reading time', async () => {
    const user = await signUp(t.app);
    const post = await write(user, {
      title: 'Crème Brûlée & Friends: a Guide!',
      content: `## Start here\n\nSome **bold** words.\n\n${'word '.repeat(600)}`,
    });
    expect(post).toMatchObject({
      slug: 'creme-brulee-and-friends-a-guide',
      reading_minutes: 3,
      description: null,
    });
    expect(post.excerpt).toMatch(/^Start here Some bold words\. word word .*…$/);
    expect(post.excerpt.length).toBeLessThanOrEqual(201);
    expect(post).not.toHaveProperty('content_html');

    const detail = (await get(`/api/posts/${post.id}`)).json<PostJson>();
    expect(detail.content_html).toContain('<h3 id="heading-start-here">Start here</h3>');
    expect(detail.content_html).toContain('<strong>bold</strong>');
    expect(detail.content).toBe(post.content);
  });

  it('uses the description as the excerpt, and the first words as the slug of an untitled post', async () => {
    const user = await signUp(t.app);
    const post = await write(user, { content: 'Just a few words, no title.', description: 'A subtitle.' });
    expect(post).toMatchObject({
      slug: 'just-a-few-words-no-title',
      excerpt: 'A subtitle.',
      description: 'A subtitle.',
    });
    const cleared = await write(user, { description: null }, 'PATCH', post.id);
    expect(cleared).toMatchObject({ description: null, excerpt: 'Just a few words, no title.' });
  });

  it('refuses a description over 300 characters with 422', async () => {
    const user = await signUp(t.app);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: user.headers,
      payload: { content: 'x', description: 'd'.repeat(301) },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json<{ detail: { loc: string[] }[] }>().detail[0]?.loc).toEqual(['body', 'description']);
  });

  it.each([...hostileMarkdown.rawHtml, ...hostileMarkdown.links, ...hostileMarkdown.images])(
    'keeps hostile Markdown harmless in content_html: %s',
    async (_kind, markdown) => {
      const user = await signUp(t.app);
      const post = await write(user, { title: 'Hostile', content: markdown });
      const detail = (await get(`/api/posts/${post.id}`)).json<PostJson>();
      expectHarmless(detail.content_html!, markdown);
    },
  );

  it('previews Markdown by the same rules, storing nothing', async () => {
    const user = await signUp(t.app);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/posts/preview',
      headers: user.headers,
      payload: { content: '# Hi\n\n[x](javascript:alert(1)) <script>alert(1)</script>' },
    });
    expect(response.statusCode).toBe(200);
    const preview = response.json<{ content_html: string; excerpt: string; reading_minutes: number }>();
    expect(preview.content_html).toContain('<h2 id="heading-hi">Hi</h2>');
    expect(preview.content_html).toContain('&lt;script&gt;');
    expect(preview.content_html).not.toContain('href="javascript');
    expect(preview.reading_minutes).toBe(1);
    expect(await feedTotal()).toBe(0);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/posts/preview',
      payload: { content: 'x' },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('renders again, by a job, the posts an older renderer made', async () => {
    const user = await signUp(t.app);
    const post = await write(user, { title: 'Old', content: 'Some *old* text' });
    // As a post stored before the renderer changed: older version, other HTML.
    await t.app.database.db.execute(
      sql`UPDATE posts SET render_version = 0, content_html = '<p>stale</p>' WHERE id = ${post.id}`,
    );
    expect((await get(`/api/posts/${post.id}`)).json<PostJson>().content_html).toBe('<p>stale</p>');
    await t.app.postsService.queueLeftoverWork();
    await t.app.jobs.runDue();
    expect((await get(`/api/posts/${post.id}`)).json<PostJson>().content_html).toBe(
      '<p>Some <em>old</em> text</p>\n',
    );
  });
});

describe('drafts', () => {
  it('are seen by their author alone, and in no feed, total, page or list', async () => {
    const author = await signUp(t.app);
    const reader = await signUp(t.app);
    const published = await write(author, { title: 'Out', content: 'Published words' });
    const draft = await write(author, { title: 'Secret plans', content: 'Not yet', status: 'draft' });
    expect(draft.status).toBe('draft');

    for (const user of [undefined, reader]) {
      const response = await get(`/api/posts/${draft.id}`, user);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ detail: 'Post not found' });
    }
    const own = await get(`/api/posts/${draft.id}`, author);
    expect(own.statusCode).toBe(200);
    expect(own.json<PostJson>()).toMatchObject({ title: 'Secret plans', status: 'draft' });
    expect(own.headers['cache-control']).toBe('private, no-cache');
    // The author's answer is theirs alone: no shared cache passes it on.
    expect((await get(`/api/posts/${draft.id}`)).statusCode).toBe(404);

    const feed = (await get('/api/posts')).json<{ posts: PostJson[]; total: number }>();
    expect(feed.total).toBe(1);
    expect(feed.posts.map((post) => post.id)).toEqual([published.id]);
    const theirs = (await get(`/api/users/${author.id}/posts`)).json<{ posts: PostJson[]; total: number }>();
    expect(theirs.total).toBe(1);
    expect(theirs.posts.map((post) => post.id)).toEqual([published.id]);

    // Nothing hangs on a draft: no comments, no likes.
    const comment = await t.app.inject({
      method: 'POST',
      url: `/api/posts/${draft.id}/comments`,
      headers: reader.headers,
      payload: { content: 'First!' },
    });
    expect(comment.statusCode).toBe(404);
    expect((await get(`/api/posts/${draft.id}/comments`)).statusCode).toBe(404);
    const like = await t.app.inject({
      method: 'POST',
      url: `/api/posts/${draft.id}/like`,
      headers: reader.headers,
    });
    expect(like.statusCode).toBe(404);

    // The website and the feeds do not show it either.
    expect((await get(`/posts/${draft.id}`)).statusCode).toBe(404);
    for (const url of ['/', `/users/${author.id}/posts`, '/feed.xml', '/sitemap.xml']) {
      const page = await get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain(`/posts/${published.id}`);
      expect(page.body, url).not.toContain('Secret plans');
      expect(page.body, url).not.toContain(`/posts/${draft.id}`);
    }
  });

  it('are listed for their author at /api/users/me/posts, by status', async () => {
    const author = await signUp(t.app);
    const other = await signUp(t.app);
    await write(author, { title: 'Published', content: 'p' });
    const draft = await write(author, { title: 'Draft', content: 'd', status: 'draft' });
    const scheduled = await write(author, {
      title: 'Later',
      content: 's',
      publish_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await write(other, { title: 'Not mine', content: 'n', status: 'draft' });

    const list = async (query: string) => {
      const response = await get(`/api/users/me/posts${query}`, author);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ posts: PostJson[]; total: number }>();
    };
    expect(await list('')).toMatchObject({ total: 1, posts: [{ id: draft.id, status: 'draft' }] });
    expect(await list('?status=scheduled')).toMatchObject({ total: 1, posts: [{ id: scheduled.id }] });
    expect((await list('?status=published')).posts.map((post) => post.title)).toEqual(['Published']);
    expect((await get('/api/users/me/posts')).statusCode).toBe(401);
    expect((await get('/api/users/me/posts?status=deleted', author)).statusCode).toBe(422);
  });

  it('become news when published: dated then, counted, shown', async () => {
    const author = await signUp(t.app);
    const draft = await write(author, { title: 'Soon', content: 'words', status: 'draft' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const edited = await write(author, { content: 'better words' }, 'PATCH', draft.id);
    expect(edited.status).toBe('draft');
    expect(await feedTotal()).toBe(0);

    const published = await write(author, { status: 'published' }, 'PATCH', draft.id);
    expect(published.status).toBe('published');
    expect(Date.parse(published.date_posted)).toBeGreaterThan(Date.parse(draft.date_posted));
    expect(published.updated_at, 'unchanged since it was published').toBe(published.date_posted);
    expect(await feedTotal()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await write(author, { title: 'Soon!' }, 'PATCH', draft.id);
    expect(again.date_posted, 'an edit of a published post keeps its date').toBe(published.date_posted);
    expect(Date.parse(again.updated_at)).toBeGreaterThan(Date.parse(again.date_posted));

    const unpublished = await write(author, { status: 'draft' }, 'PATCH', draft.id);
    expect(unpublished.status).toBe('draft');
    expect(await feedTotal()).toBe(0);
  });

  it('keep their status through a PUT that does not send one', async () => {
    const author = await signUp(t.app);
    const draft = await write(author, { title: 'D', content: 'd', status: 'draft' });
    const replaced = await write(author, { title: 'D2', content: 'd2' }, 'PUT', draft.id);
    expect(replaced).toMatchObject({ status: 'draft', title: 'D2' });
    expect(await feedTotal()).toBe(0);
  });
});

describe('scheduled posts', () => {
  it('refuses a publication time in the past, or with a status, with 422 on the field', async () => {
    const author = await signUp(t.app);
    const cases: [Record<string, unknown>, string][] = [
      [{ content: 'x', publish_at: new Date(Date.now() - 60_000).toISOString() }, 'publish_at'],
      [{ content: 'x', publish_at: 'next tuesday' }, 'publish_at'],
      [
        { content: 'x', status: 'published', publish_at: new Date(Date.now() + 60_000).toISOString() },
        'status',
      ],
      [{ content: 'x', status: 'scheduled' }, 'status'],
    ];
    for (const [payload, field] of cases) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/posts',
        headers: author.headers,
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(422);
      expect(response.json<{ detail: { loc: string[] }[] }>().detail[0]?.loc).toEqual(['body', field]);
    }
    expect(await feedTotal()).toBe(0);
    expect((await get('/api/users/me/posts?status=scheduled', author)).json()).toMatchObject({ total: 0 });
  });

  it('are published by the job queue at their time, and not before', async () => {
    const author = await signUp(t.app);
    const publishAt = new Date(Date.now() + 1_500);
    const post = await write(author, {
      title: 'At its time',
      content: 'words',
      publish_at: publishAt.toISOString(),
    });
    expect(post).toMatchObject({ status: 'scheduled', publish_at: publishAt.toISOString() });
    const etagBefore = (await get('/api/posts')).headers.etag;

    await t.app.jobs.runDue();
    expect(await feedTotal(), 'not before its time').toBe(0);
    expect((await get(`/api/posts/${post.id}`)).statusCode).toBe(404);

    await new Promise((resolve) => setTimeout(resolve, publishAt.getTime() - Date.now() + 50));
    expect(await t.app.jobs.runDue()).toBeGreaterThanOrEqual(1);
    const published = (await get(`/api/posts/${post.id}`)).json<PostJson>();
    expect(published).toMatchObject({ status: 'published', publish_at: null });
    expect(Date.parse(published.date_posted)).toBeGreaterThanOrEqual(publishAt.getTime());
    expect(published.updated_at, 'unchanged since it was published').toBe(published.date_posted);
    expect(await feedTotal()).toBe(1);
    expect((await get('/api/posts')).headers.etag, 'cached pages change then').not.toBe(etagBefore);
    expect((await get(`/users/${author.id}/posts`)).body).toContain('At its time');
  });

  it('go back to draft with publish_at: null, and the queued job then publishes nothing', async () => {
    const author = await signUp(t.app);
    const post = await write(author, {
      content: 'words',
      publish_at: new Date(Date.now() + 300).toISOString(),
    });
    const unscheduled = await write(author, { publish_at: null }, 'PATCH', post.id);
    expect(unscheduled).toMatchObject({ status: 'draft', publish_at: null });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await t.app.jobs.runDue();
    expect(await feedTotal()).toBe(0);
    expect((await get(`/api/posts/${post.id}`, author)).json()).toMatchObject({ status: 'draft' });
  });
});
