// The plans of the personal feed (not their timings): a reader following many authors on a table of
// many posts. The window form walks the global feed index for a bounded number of entries, checking
// each entry's author against the reader's follows; the merge form reads each followed author's posts from
// the per-author index for at most one page, from the top or from the cursor; the follows are one range
// of their primary key; no table is scanned. Both forms give the page that plain SQL gives.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  describePlan,
  planOf,
  type PlanNode,
  type TestApp,
} from '../../test/support/index.js';
import { FollowsRepository } from './follows.repository.js';

const USERS = 4_000;
const POSTS = 6_000;
const FOLLOWED = 200;
const READER = 1;
const QUIET = 3;

let t: TestApp;
let repository: FollowsRepository;

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const result: unknown = await t.app.database.db.execute(query);
  return (result as { rows: T[] }).rows;
}

beforeAll(async () => {
  t = await createTestApp();
  repository = new FollowsRepository(t.app.database);
  const db = t.app.database.db;
  await db.execute(sql`
    INSERT INTO users (username, email, password_hash)
    SELECT 'user' || i, 'user' || i || '@example.com', 'not-a-real-hash'
    FROM generate_series(1, ${USERS}::int) AS i`);
  await db.execute(sql`
    INSERT INTO posts (title, content, user_id, date_posted)
    SELECT 'Post ' || i, 'Words.', 1 + floor(random() ^ 2 * ${USERS})::int,
           now() - (${POSTS}::int - i) * interval '1 minute'
    FROM generate_series(1, ${POSTS}::int) AS i`);
  await db.execute(sql`
    INSERT INTO posts (title, content, user_id, status)
    SELECT 'Draft ' || i, 'Not yet.', 1 + i % ${USERS}::int, 'draft' FROM generate_series(1, 1000) AS i`);
  // The reader follows every other author; others follow a few.
  await db.execute(sql`
    INSERT INTO follows (follower_id, followee_id)
    SELECT ${READER}::int, 2 * i FROM generate_series(1, ${FOLLOWED}::int) AS i`);
  await db.execute(sql`
    INSERT INTO follows (follower_id, followee_id)
    SELECT f, 1 + (f * 7 + k) % ${USERS}::int FROM generate_series(2, ${USERS}::int) AS f,
      generate_series(1, 5) AS k WHERE 1 + (f * 7 + k) % ${USERS}::int <> f
    ON CONFLICT DO NOTHING`);
  for (const table of ['users', 'posts', 'follows']) await db.execute(sql.raw(`VACUUM ANALYZE ${table}`));
});
afterAll(() => t.close());

/** Where the reader's feed is 400 posts deep. */
async function deepPosition(): Promise<{ at: Date; id: number }> {
  const [deep] = await rows<{ date_posted: string | Date; id: number }>(sql`
    SELECT date_posted, id FROM posts WHERE status = 'published' AND user_id IN (
      SELECT followee_id FROM follows WHERE follower_id = ${READER})
    ORDER BY date_posted DESC, id DESC OFFSET 400 LIMIT 1`);
  return { at: new Date(deep!.date_posted), id: Number(deep!.id) };
}

const used = (plan: PlanNode[]) => plan.map((n) => n['Index Name']).filter(Boolean);

function expectNoScans(plan: PlanNode[]) {
  const scans = plan.filter(
    (n) => n['Node Type'] === 'Seq Scan' && ['posts', 'users', 'follows'].includes(n['Relation Name'] ?? ''),
  );
  expect(scans, describePlan(plan)).toEqual([]);
}

/** The per-author index is read under a Limit, inside the nested loop over the follows. */
function expectPerAuthorWalk(plan: PlanNode[]) {
  expect(used(plan), describePlan(plan)).toContain('posts_author_status_idx');
  expect(used(plan), describePlan(plan)).toContain('follows_follower_id_followee_id_pk');
  const limited = plan.filter(
    (n) =>
      n['Node Type'] === 'Limit' &&
      (n.Plans ?? []).some((child) => child['Index Name'] === 'posts_author_status_idx'),
  );
  expect(limited, describePlan(plan)).toHaveLength(1);
}

describe('plans of the personal feed', () => {
  it('seeded a reader who follows many authors, with the counts kept', async () => {
    const [reader] = await rows<{ following: number }>(sql`SELECT following FROM users WHERE id = ${READER}`);
    expect(Number(reader!.following)).toBe(FOLLOWED);
  });

  it('page 1 walks each followed author index for one page and reads the page by primary key', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.feed.offset.merge, {
      readerId: READER,
      depth: 10,
      skip: 0,
      limit: 10,
    });
    expectNoScans(plan);
    expectPerAuthorWalk(plan);
    expect(used(plan), describePlan(plan)).toEqual(expect.arrayContaining(['posts_pkey', 'users_pkey']));
  });

  it('a deep cursor page starts each author walk at the cursor, the same plan as page 1', async () => {
    const deep = await deepPosition();
    const plan = await planOf(t.app.database.db, repository.statements.primary.feed.after.merge, {
      readerId: READER,
      afterDate: deep.at,
      afterId: deep.id,
      depth: 11,
      skip: 0,
      limit: 11,
    });
    expectNoScans(plan);
    expectPerAuthorWalk(plan);
  });

  it('the window walks the feed index under a Limit, from the top or from the cursor', async () => {
    const deep = await deepPosition();
    const forms = [
      [repository.statements.primary.feed.offset.window, { skip: 0 }],
      [repository.statements.primary.feed.after.window, { skip: 0, afterDate: deep.at, afterId: deep.id }],
    ] as const;
    for (const [statement, values] of forms) {
      const plan = await planOf(t.app.database.db, statement, {
        readerId: READER,
        window: 500,
        depth: 11,
        limit: 11,
        ...values,
      });
      expectNoScans(plan);
      const walks = plan.filter(
        (n) =>
          n['Node Type'] === 'Limit' &&
          (n.Plans ?? []).some((child) => child['Index Name'] === 'posts_published_feed_idx'),
      );
      expect(walks, describePlan(plan)).toHaveLength(1);
      expect(used(plan), describePlan(plan)).toEqual(
        expect.arrayContaining(['follows_follower_id_followee_id_pk', 'posts_pkey', 'users_pkey']),
      );
    }
  });

  it('gives the page that plain SQL gives, whether the window fills it or the merge does', async () => {
    // READER follows every other author (half the posts: the window fills a page); QUIET follows three
    // authors who wrote a handful of posts (the window does not: the merge answers). QUIET's follows
    // from the setup go first: their authors are drawn at random, and now and then ten of their posts
    // fell among the newest 500, so that the window filled QUIET's page too.
    await t.app.database.db.execute(sql`DELETE FROM follows WHERE follower_id = ${QUIET}::int`);
    await t.app.database.db.execute(sql`
      INSERT INTO follows (follower_id, followee_id)
      SELECT ${QUIET}::int, user_id FROM posts WHERE status = 'published'
      GROUP BY user_id HAVING count(*) BETWEEN 1 AND 3 ORDER BY user_id LIMIT 3`);
    for (const reader of [READER, QUIET]) {
      const expected = await rows<{ id: number; date_posted: string | Date }>(sql`
        SELECT id, date_posted FROM posts WHERE status = 'published' AND user_id IN (
          SELECT followee_id FROM follows WHERE follower_id = ${reader})
        ORDER BY date_posted DESC, id DESC`);
      const ids = expected.map((row) => Number(row.id));
      expect(ids.length, `reader ${reader}`).toBeGreaterThan(reader === QUIET ? 0 : 500);
      // Which form answers page 1: the window fills it for READER and not for QUIET.
      const windowed = await repository.statements.primary.feed.offset.window.execute({
        readerId: reader,
        window: 500,
        depth: 10,
        skip: 0,
        limit: 10,
      });
      expect(windowed.length === 10, `reader ${reader}`).toBe(reader === READER);
      const page1 = await repository.feed(reader, { skip: 0, limit: 10 });
      expect(page1.map((row) => row.post.id)).toEqual(ids.slice(0, 10));
      const deep = await repository.feed(reader, { skip: 400, limit: 10 });
      expect(deep.map((row) => row.post.id)).toEqual(ids.slice(400, 410));
      const at = Math.min(ids.length - 1, 500);
      const after = await repository.feed(reader, {
        after: { at: new Date(expected[at]!.date_posted), id: ids[at]! },
        limit: 11,
      });
      expect(after.map((row) => row.post.id)).toEqual(ids.slice(at + 1, at + 12));
    }
  });

  it('the total sums the kept post counts of the followed authors, reading no post', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.feedTotal, {
      readerId: READER,
    });
    expectNoScans(plan);
    expect(plan.map((n) => n['Relation Name']).filter(Boolean), describePlan(plan)).not.toContain('posts');
    expect(used(plan), describePlan(plan)).toEqual(
      expect.arrayContaining(['follows_follower_id_followee_id_pk', 'users_pkey']),
    );
  });

  it('whether someone follows someone is one probe of an index on both ids', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.isFollowing, {
      followerId: READER,
      followeeId: 2,
    });
    expectNoScans(plan);
    expect(
      plan.map((n) => n['Node Type']),
      describePlan(plan),
    ).toEqual([expect.stringMatching(/^Index (Only )?Scan$/) as unknown]);
  });
});
