// The plans of the posts repository's own prepared statements (not their timings): with a few thousand
// posts analyzed, each must reach posts and users through an index, never a sequential scan. A change
// to a statement in posts.repository.ts (its order, its filter) changes what is explained here. Runs on
// PGlite, and on the real server when TEST_DATABASE_URL is set; the benchmark explains the same
// statements on 1,000,000 posts (bench/plans.mjs).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  describePlan,
  expectIndexPath,
  planOf,
  type TestApp,
} from '../../test/support/index.js';
import { PostsRepository } from './posts.repository.js';

const USERS = 500;
const POSTS = 5_000;
/** Drafts beside them, a fifth as many: the feed must not read them. */
const DRAFTS = 1_000;

let t: TestApp;
let repository: PostsRepository;
let prolificAuthor: number;

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const result: unknown = await t.app.database.db.execute(query);
  return (result as { rows: T[] }).rows;
}

/** The position of the `depth`-th newest post (of one user, when given). */
async function positionAt(depth: number, userId?: number): Promise<{ afterDate: Date; afterId: number }> {
  const [row] = await rows<{ date_posted: string | Date; id: number }>(sql`
    SELECT date_posted, id FROM posts WHERE status = 'published'
      ${userId === undefined ? sql`` : sql`AND user_id = ${userId}`}
    ORDER BY date_posted DESC, id DESC OFFSET ${depth - 1} LIMIT 1`);
  if (!row) throw new Error(`no post at depth ${depth}`);
  return { afterDate: new Date(row.date_posted), afterId: Number(row.id) };
}

beforeAll(async () => {
  t = await createTestApp();
  repository = new PostsRepository(t.app.database);
  const db = t.app.database.db;
  await db.execute(sql`
    INSERT INTO users (username, email, password_hash)
    SELECT 'user' || i, 'user' || i || '@example.com', 'not-a-real-hash'
    FROM generate_series(1, ${USERS}::int) AS i`);
  // Through the triggers, as the app writes them; skewed authors, so one user has many posts.
  await db.execute(sql`
    INSERT INTO posts (title, content, user_id, date_posted)
    SELECT 'Post ' || i, repeat('Some words of a post. ', 1 + i % 40),
           1 + floor(random() ^ 2 * ${USERS})::int,
           now() - (${POSTS}::int - i) * interval '1 minute'
    FROM generate_series(1, ${POSTS}::int) AS i`);
  await db.execute(sql`
    INSERT INTO posts (title, content, user_id, status, date_posted)
    SELECT 'Draft ' || i, 'Not yet.', 1 + floor(random() ^ 2 * ${USERS})::int, 'draft',
           now() - (${DRAFTS}::int - i) * interval '5 minutes'
    FROM generate_series(1, ${DRAFTS}::int) AS i`);
  // VACUUM sets the visibility map, as autovacuum does on a live table: index-only scans need it.
  await db.execute(sql`VACUUM ANALYZE users`);
  await db.execute(sql`VACUUM ANALYZE posts`);
  await db.execute(sql`ANALYZE counters`);
  const [top] = await rows<{ user_id: number }>(
    sql`SELECT user_id FROM posts GROUP BY user_id ORDER BY count(*) DESC LIMIT 1`,
  );
  prolificAuthor = Number(top!.user_id);
});
afterAll(() => t.close());

describe('plans of the posts repository', () => {
  it('seeded enough rows for the planner to have a choice, and the counters kept up', async () => {
    const [counts] = await rows<{ posts: string | number; counter: string | number }>(
      sql`SELECT (SELECT count(*) FROM posts) AS posts, (SELECT value FROM counters WHERE name = 'posts') AS counter`,
    );
    expect(Number(counts!.posts)).toBe(POSTS + DRAFTS);
    expect(Number(counts!.counter), 'drafts are not counted').toBe(POSTS);
  });

  it('feed page 1 walks the feed index of published posts (drafts are not in it) and looks authors up by primary key', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.feed.offset, {
      skip: 0,
      limit: 10,
    });
    expectIndexPath(plan, ['posts_published_feed_idx', 'users_pkey']);
  });

  it('a deep cursor page starts from the feed index, not from a scan', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.feed.after, {
      ...(await positionAt(Math.floor(POSTS * 0.9))),
      limit: 11,
    });
    expectIndexPath(plan, ['posts_published_feed_idx', 'users_pkey']);
  });

  it("a user's page and its cursor form use the per-user feed index", async () => {
    const { byAuthor } = repository.statements.primary;
    const userId = prolificAuthor;
    expectIndexPath(
      await planOf(t.app.database.db, byAuthor.offset, { userId, status: 'published', skip: 0, limit: 10 }),
      ['posts_author_status_idx'],
    );
    const after = await positionAt(5, userId);
    expectIndexPath(
      await planOf(t.app.database.db, byAuthor.after, { userId, status: 'published', ...after, limit: 11 }),
      ['posts_author_status_idx'],
    );
  });

  it('a deep offset page finds its first post with an index-only scan of the feed index', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.feed.offset, {
      skip: Math.floor(POSTS * 0.9),
      limit: 10,
    });
    expectIndexPath(plan, ['posts_published_feed_idx', 'users_pkey']);
    expect(
      plan.filter((n) => n['Node Type'] === 'Index Only Scan').map((n) => n['Index Name']),
      describePlan(plan),
    ).toContain('posts_published_feed_idx');
  });

  it("a deep offset in a user's posts does the same on the per-user index", async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.byAuthor.offset, {
      userId: prolificAuthor,
      status: 'published',
      skip: 50,
      limit: 10,
    });
    expectIndexPath(plan, ['posts_author_status_idx', 'users_pkey']);
    expect(
      plan.filter((n) => n['Node Type'] === 'Index Only Scan').map((n) => n['Index Name']),
      describePlan(plan),
    ).toContain('posts_author_status_idx');
  });

  it('a post by id is two primary-key lookups', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.byId, {
      id: Math.floor(POSTS / 2),
    });
    expectIndexPath(plan, ['posts_pkey', 'users_pkey']);
  });

  it('posts another feature found are primary-key probes, authors too, with or without the ids in the plan', async () => {
    const ids = [10, 2_000, 4_999, 77, 3_141];
    for (const generic of [false, true]) {
      const plan = await planOf(
        t.app.database.db,
        repository.statements.primary.publishedByIds,
        { ids },
        { generic },
      );
      expectIndexPath(plan, ['posts_pkey', 'users_pkey']);
      expect(
        plan.filter((n) => n['Node Type'].includes('Hash')),
        describePlan(plan),
      ).toEqual([]);
    }
  });

  it('the latest authors walk the feed index for a bounded window, under a Limit, and group what it read', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.recentAuthors, {
      window: 1_000,
      limit: 30,
    });
    const seqScans = plan.filter((n) => n['Node Type'] === 'Seq Scan');
    expect(seqScans, describePlan(plan)).toEqual([]);
    const walks = plan.filter(
      (n) =>
        n['Node Type'] === 'Limit' &&
        (n.Plans ?? []).some((child) => child['Index Name'] === 'posts_published_feed_idx'),
    );
    expect(walks, describePlan(plan)).toHaveLength(1);
    // The only sort is of the authors found in the window (at most `window` of them), above the grouping.
    const sorts = plan.filter((n) => n['Node Type'].includes('Sort'));
    for (const sort of sorts) {
      expect(
        (sort.Plans ?? []).every((child) => child['Node Type'].includes('Aggregate')),
        describePlan(plan),
      ).toBe(true);
    }
  });

  it('the latest authors are the authors of the newest posts, each once, by their newest post', async () => {
    const newest = await rows<{ user_id: number }>(sql`
      SELECT user_id FROM posts WHERE status = 'published' ORDER BY date_posted DESC, id DESC LIMIT 300`);
    const expected = [...new Set(newest.map((row) => Number(row.user_id)))];
    expect(expected.length).toBeGreaterThan(20);
    expect(await repository.recentAuthors(300, 20)).toEqual(expected.slice(0, 20));
    expect(await repository.recentAuthors(300, 1_000)).toEqual(expected);
  });

  it('the feed total reads its counters row and never touches posts', async () => {
    const plan = await planOf(t.app.database.db, t.app.counters.statements.primary.byName, { name: 'posts' });
    expect(plan.map((n) => n['Relation Name']).filter(Boolean), describePlan(plan)).toEqual(['counters']);
  });
});
