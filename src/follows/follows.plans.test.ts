// The plans of the personal feed (not their timings): a reader following many authors on a table of
// many posts. Each followed author's posts are read from the per-author index for at most one page, from
// the top or from the cursor; the follows are one range of their primary key; no table is scanned. The
// only sorts are the merge of those few candidates and the page itself.
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
    const plan = await planOf(t.app.database.db, repository.statements.primary.feed.offset, {
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
    const [deep] = await rows<{ date_posted: string | Date; id: number }>(sql`
      SELECT date_posted, id FROM posts WHERE status = 'published' AND user_id IN (
        SELECT followee_id FROM follows WHERE follower_id = ${READER})
      ORDER BY date_posted DESC, id DESC OFFSET 400 LIMIT 1`);
    const plan = await planOf(t.app.database.db, repository.statements.primary.feed.after, {
      readerId: READER,
      afterDate: new Date(deep!.date_posted),
      afterId: Number(deep!.id),
      depth: 11,
      skip: 0,
      limit: 11,
    });
    expectNoScans(plan);
    expectPerAuthorWalk(plan);
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
