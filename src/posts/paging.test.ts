import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { posts } from '../posts/posts.table.js';
import { createTestApp, signUp, type TestApp, type TestUser } from '../../test/support/index.js';

interface Page {
  posts: { id: number; title: string | null }[];
  has_more: boolean;
  next_cursor: string | null;
  total: number;
}

describe('cursor pagination', () => {
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

  const write = (title: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: author.headers,
      payload: { title, content: title },
    });

  async function page(url: string): Promise<Page> {
    const response = await t.app.inject(url);
    expect(response.statusCode).toBe(200);
    return response.json<Page>();
  }

  /** Reads a whole feed page after page, writing `between` before the second page. */
  async function readAll(base: string, between: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    let url = `${base}?limit=10`;
    for (let round = 0; ; round += 1) {
      const current = await page(url);
      seen.push(...current.posts.map((post) => post.title ?? ''));
      if (round === 0) await between();
      if (!current.has_more) {
        expect(current.next_cursor).toBeNull();
        return seen;
      }
      expect(current.next_cursor).not.toBeNull();
      url = `${base}?limit=10&cursor=${encodeURIComponent(current.next_cursor ?? '')}`;
    }
  }

  it('shows every post exactly once, in order, while new posts arrive', async () => {
    for (let i = 1; i <= 25; i += 1) await write(`post ${i}`);
    const titles = await readAll('/api/posts', () => write('written while reading'));
    expect(titles).toEqual(Array.from({ length: 25 }, (_, i) => `post ${25 - i}`));
  });

  it('shows the same duplication that offsets suffer from, to prove the cursor matters', async () => {
    for (let i = 1; i <= 12; i += 1) await write(`post ${i}`);
    const first = await page('/api/posts?limit=10');
    await write('written while reading');
    const second = await page('/api/posts?limit=10&skip=10');
    expect(second.posts.map((post) => post.title)).toContain(first.posts.at(-1)?.title);
  });

  it('pages through posts that share one timestamp by id', async () => {
    const other = await signUp(t.app);
    await t.app.database.db
      .insert(posts)
      .values(Array.from({ length: 7 }, (_, i) => ({ title: `same ${i}`, content: 'x', userId: other.id })));
    const ids: number[] = [];
    let url = `/api/posts?limit=3`;
    for (;;) {
      const current = await page(url);
      ids.push(...current.posts.map((post) => post.id));
      if (!current.next_cursor) break;
      url = `/api/posts?limit=3&cursor=${encodeURIComponent(current.next_cursor)}`;
    }
    expect(ids).toHaveLength(7);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it("pages a user's posts with a cursor", async () => {
    const other = await signUp(t.app);
    for (let i = 1; i <= 15; i += 1) await write(`post ${i}`);
    await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: other.headers,
      payload: { content: 'not theirs' },
    });
    const titles = await readAll(`/api/users/${author.id}/posts`, () => write('post 16'));
    expect(titles).toEqual(Array.from({ length: 15 }, (_, i) => `post ${15 - i}`));
  });

  it('answers 422 for a malformed cursor', async () => {
    for (const cursor of [
      'nonsense',
      '2026-02-30T00:00:00.000Z_1',
      '2026-01-01T00:00:00.000Z_0',
      '2026-01-01T00:00:00.000Z_99999999999',
    ]) {
      const response = await t.app.inject(`/api/posts?cursor=${encodeURIComponent(cursor)}`);
      expect(response.statusCode, cursor).toBe(422);
      expect(response.json<{ detail: { loc: string[] }[] }>().detail[0]?.loc).toEqual(['query', 'cursor']);
    }
  });
});

describe('GET /api/posts/{id}/like', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("tells the signed-in user's like state", async () => {
    const reader = await signUp(t.app);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: reader.headers,
      payload: { content: 'x' },
    });
    const url = `/api/posts/${created.json<{ id: number }>().id}/like`;
    expect((await t.app.inject({ url, headers: reader.headers })).json()).toEqual({ likes: 0, liked: false });
    await t.app.inject({ method: 'POST', url, headers: reader.headers });
    expect((await t.app.inject({ url, headers: reader.headers })).json()).toEqual({ likes: 1, liked: true });
    expect((await t.app.inject({ url })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/posts/999999/like', headers: reader.headers })).statusCode).toBe(
      404,
    );
  });
});
