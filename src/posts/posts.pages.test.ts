// The pages of writing (SPEC section 12) as a reader and a crawler get them: canonical addresses and
// their redirects, the article, excerpts with "Read more" in every list, the site's identity.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp, type TestUser } from '../../test/support/index.js';
import { formatPostDate } from '../platform/web/dates.js';
import { expectHarmless, hostileMarkdown } from './posts.fixtures.js';

interface PostJson {
  id: number;
  slug: string;
  excerpt: string;
  date_posted: string;
  updated_at: string;
}

const SITE = { SITE_NAME: 'The Loom Gazette', SITE_DESCRIPTION: 'Notes on engines & looms.' };
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ ...SITE, FRONTEND_URL: 'https://blog.example' });
});
afterAll(() => t.close());
beforeEach(() => t.reset());

async function write(user: TestUser, payload: Record<string, unknown>): Promise<PostJson> {
  const response = await t.app.inject({ method: 'POST', url: '/api/posts', headers: user.headers, payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<PostJson>();
}

/** The rendered content of an article page, between its opening tag and the article's footer. */
const articleContent = (page: string) =>
  /<div class="article-content">([\s\S]*?)<\/div><footer/.exec(page)?.[1];

describe('the address of a post', () => {
  it('is /posts/{id}/{slug}; the bare id and any other slug answer 301 to it', async () => {
    const user = await signUp(t.app);
    const post = await write(user, { title: 'Hello, World!', content: 'First words.' });
    const canonical = `/posts/${post.id}/hello-world`;

    for (const url of [`/posts/${post.id}`, `/posts/${post.id}/old-title`, `/posts/${post.id}/HELLO-WORLD`]) {
      const response = await t.app.inject(url);
      expect([response.statusCode, response.headers.location], url).toEqual([301, canonical]);
    }
    const page = await t.app.inject(canonical);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<link rel="canonical" href="https://blog.example${canonical}"/>`);
    expect(page.body).toContain(`<meta property="og:url" content="https://blog.example${canonical}"/>`);

    // A new title, a new address; the old one leads there.
    await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${post.id}`,
      headers: user.headers,
      payload: { title: 'Goodbye' },
    });
    const moved = await t.app.inject(canonical);
    expect([moved.statusCode, moved.headers.location]).toEqual([301, `/posts/${post.id}/goodbye`]);
  });

  it('is not found for a draft, a deleted post or an id that never was', async () => {
    const user = await signUp(t.app);
    const draft = await write(user, { title: 'Unready', content: 'Not yet.', status: 'draft' });
    const gone = await write(user, { title: 'Gone', content: 'Soon deleted.' });
    await t.app.inject({ method: 'DELETE', url: `/api/posts/${gone.id}`, headers: user.headers });
    for (const url of [
      `/posts/${draft.id}`,
      `/posts/${draft.id}/${draft.slug}`,
      `/posts/${gone.id}/${gone.slug}`,
      '/posts/999999',
      '/posts/999999/anything',
    ]) {
      expect((await t.app.inject(url)).statusCode, url).toBe(404);
    }
  });
});

describe('the article page', () => {
  it('shows the title, the subtitle, the author, the date, the reading time and the rendered content', async () => {
    const user = await signUp(t.app, { username: 'ada' });
    const post = await write(user, {
      title: 'On Engines',
      description: 'Why the loom & the engine are cousins',
      content: [
        '# The weaving',
        '',
        'It weaves **algebraic** patterns.',
        '',
        '| Engine | Year |',
        '| --- | ---: |',
        '| Difference | 1822 |',
        '',
        '```js',
        'const loom = "jacquard";',
        '```',
        '',
        `${'word '.repeat(500)}`,
      ].join('\n'),
    });
    const page = (await t.app.inject(`/posts/${post.id}/${post.slug}`)).body;
    expect(page).toContain('<h1 class="article-title post-title">On Engines</h1>');
    expect(page).toContain('<p class="article-description">Why the loom &amp; the engine are cousins</p>');
    expect(page).toMatch(/class="author-link fw-semibold" href="\/users\/\d+\/posts">ada<\/a>/);
    expect(page).toContain('<span class="reading-time">2 min read</span>');
    expect(page).toContain('<title>On Engines · The Loom Gazette</title>');
    const content = articleContent(page);
    expect(content).toContain('<h2 id="heading-the-weaving">The weaving</h2>');
    expect(content).toContain('<strong>algebraic</strong>');
    expect(content).toMatch(/<div class="table-scroll"><table>[\s\S]*<td class="align-right">1822<\/td>/);
    expect(content).toContain('<span class="hljs-keyword">const</span>');
    // Comments come after the article.
    expect(page.indexOf('id="comments"')).toBeGreaterThan(page.indexOf('class="article-content"'));
  });

  it('says "Updated" beside the date once the author changed the post after publishing it, not before', async () => {
    const user = await signUp(t.app);
    const draft = await write(user, { title: 'Notes', content: 'First draft.', status: 'draft' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const change = async (payload: Record<string, unknown>) => {
      const response = await t.app.inject({
        method: 'PATCH',
        url: `/api/posts/${draft.id}`,
        headers: user.headers,
        payload,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<PostJson>();
    };
    await change({ content: 'Second draft.' });
    // Published: dated then, and the changes made while it was a draft are not "updates".
    const published = await change({ status: 'published' });
    const url = `/posts/${published.id}/${published.slug}`;
    const before = (await t.app.inject(url)).body;
    expect(before).toContain(`<time datetime="${published.date_posted}">`);
    expect(before).not.toContain('post-updated');
    expect(before).not.toContain('Updated <time');

    await new Promise((resolve) => setTimeout(resolve, 20));
    const edited = await change({ content: 'Final words.' });
    expect(Date.parse(edited.updated_at)).toBeGreaterThan(Date.parse(edited.date_posted));
    const after = (await t.app.inject(url)).body;
    expect(after).toContain(`<time datetime="${published.date_posted}">`);
    expect(after).toContain(
      `<span class="post-updated">Updated <time datetime="${edited.updated_at}">${formatPostDate(edited.updated_at)}</time></span>`,
    );
  });

  it('shows every hostile Markdown payload harmless', async () => {
    const user = await signUp(t.app);
    const payloads = Object.values(hostileMarkdown).flat();
    const post = await write(user, {
      title: 'Hostile',
      content: payloads.map(([, markdown]) => markdown).join('\n\n'),
    });
    const page = (await t.app.inject(`/posts/${post.id}/${post.slug}`)).body;
    const content = articleContent(page);
    expect(content).toBeDefined();
    expectHarmless(content!, 'all the payloads on the page');
    expect(content).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('lists of posts', () => {
  it('show the excerpt and a "Read more" link to the post, never the whole post', async () => {
    const user = await signUp(t.app);
    const post = await write(user, {
      title: 'A long read',
      content: `${'Opening words of the piece. '.repeat(20)}\n\nThe hidden ending ZEBRAFINCH.`,
    });
    const href = `/posts/${post.id}/${post.slug}`;
    expect(post.excerpt).not.toContain('ZEBRAFINCH');

    for (const url of ['/', `/users/${user.id}/posts`]) {
      const page = (await t.app.inject(url)).body;
      expect(page, url).toContain(`<p class="post-excerpt mb-2">${post.excerpt}</p>`);
      expect(page, url).toContain(`<a class="read-more" href="${href}">Read more`);
      expect(page, url).not.toContain('ZEBRAFINCH');
    }
    const feed = (await t.app.inject('/feed.xml')).body;
    expect(feed).toContain(`<link href="https://blog.example${href}"/>`);
    expect(feed).toContain(`<summary type="text">${post.excerpt}</summary>`);
    expect(feed).not.toContain('ZEBRAFINCH');
    expect((await t.app.inject('/sitemap.xml')).body).toContain(`<loc>https://blog.example${href}</loc>`);
  });

  it('date an edited post by its edit in the Atom feed and the sitemap, and by its posting otherwise', async () => {
    const user = await signUp(t.app);
    const post = await write(user, { title: 'Edited later', content: 'First words.' });
    const other = await write(user, { title: 'Never edited', content: 'Only words.' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const edit = await t.app.inject({
      method: 'PUT',
      url: `/api/posts/${post.id}`,
      headers: user.headers,
      payload: { title: 'Edited later', content: 'Second words.' },
    });
    expect(edit.statusCode).toBe(200);
    const edited = edit.json<PostJson>();
    expect(edited.updated_at > edited.date_posted).toBe(true);

    const feed = (await t.app.inject('/feed.xml')).body;
    const entry = (id: number) =>
      feed.slice(feed.indexOf(`/posts/${id}/`), feed.indexOf('</entry>', feed.indexOf(`/posts/${id}/`)));
    expect(entry(post.id)).toContain(`<published>${edited.date_posted}</published>`);
    expect(entry(post.id)).toContain(`<updated>${edited.updated_at}</updated>`);
    expect(entry(other.id)).toContain(`<updated>${other.date_posted}</updated>`);
    // The feed itself changed at the latest edit, though that post is not the newest.
    expect(feed.slice(0, feed.indexOf('<entry>'))).toContain(`<updated>${edited.updated_at}</updated>`);

    const sitemap = (await t.app.inject('/sitemap.xml')).body;
    expect(sitemap).toContain(
      `<loc>https://blog.example/posts/${post.id}/${edited.slug}</loc><lastmod>${edited.updated_at}</lastmod>`,
    );
    expect(sitemap).toContain(
      `<loc>https://blog.example/posts/${other.id}/${other.slug}</loc><lastmod>${other.date_posted}</lastmod>`,
    );
  });
});

describe("the site's identity", () => {
  it('names the site in the header, the titles, the feed and the manifest', async () => {
    const home = (await t.app.inject('/')).body;
    expect(home).toContain('<title>The Loom Gazette</title>');
    expect(home).toContain('<h1 class="site-title">The Loom Gazette</h1>');
    expect(home).toContain('<p class="site-description lead mb-0">Notes on engines &amp; looms.</p>');
    expect(home).toContain('<meta name="description" content="Notes on engines &amp; looms."/>');
    const feed = (await t.app.inject('/feed.xml')).body;
    expect(feed).toContain('<title>The Loom Gazette</title>');
    expect(feed).toContain('<subtitle>Notes on engines &amp; looms.</subtitle>');
    expect((await t.app.inject('/site.webmanifest')).json()).toMatchObject({
      name: 'The Loom Gazette',
      description: 'Notes on engines & looms.',
    });
  });
});

describe("the writer's pages", () => {
  it('serve the editor, for a new post and by id, and My drafts', async () => {
    for (const url of ['/editor', '/editor/12', '/drafts']) {
      const response = await t.app.inject(url);
      expect(response.statusCode, url).toBe(200);
    }
    const editor = (await t.app.inject('/editor')).body;
    for (const id of ['titleInput', 'descriptionInput', 'contentInput', 'publishAtInput', 'previewPane']) {
      expect(editor).toContain(`id="${id}"`);
    }
    expect((await t.app.inject('/editor/abc')).statusCode).toBe(404);
  });
});
