// The plans of the tags repository's prepared statements (not their timings): with thousands of posts
// and tags analyzed, a tag's feed (page 1, a deep offset, a cursor at depth) is a walk of the tag's own
// feed index, index-only, never a scan of posts; the list of tags walks its index. Runs on PGlite, and
// on the real server when TEST_DATABASE_URL is set; the benchmark runs the same on 1,000,000 posts.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  describePlan,
  expectIndexPath,
  planOf,
  type PlanNode,
  type TestApp,
} from '../../test/support/index.js';
import { TagsRepository } from './tags.repository.js';

const USERS = 100;
const POSTS = 6_000;
const TAGS = 400;
/** The tag on 5% of the posts, as the benchmark's. */
const COMMON = 'tag-common';

let t: TestApp;
let repository: TagsRepository;

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const result: unknown = await t.app.database.db.execute(query);
  return (result as { rows: T[] }).rows;
}

const indexOnly = (plan: PlanNode[]) =>
  plan.filter((n) => n['Node Type'] === 'Index Only Scan').map((n) => n['Index Name']);

beforeAll(async () => {
  t = await createTestApp();
  repository = new TagsRepository(t.app.database);
  const db = t.app.database.db;
  await db.execute(sql`
    INSERT INTO users (username, email, password_hash)
    SELECT 'user' || i, 'user' || i || '@example.com', 'not-a-real-hash' FROM generate_series(1, ${USERS}::int) AS i`);
  await db.execute(sql`
    INSERT INTO posts (title, content, user_id, date_posted, status)
    SELECT 'Post ' || i, 'Words.', 1 + i % ${USERS}::int, now() - (${POSTS}::int - i) * interval '1 minute',
           CASE WHEN i % 10 = 0 THEN 'draft' ELSE 'published' END
    FROM generate_series(1, ${POSTS}::int) AS i`);
  await db.execute(sql`
    INSERT INTO tags (name) SELECT 'tag-' || i FROM generate_series(1, ${TAGS}::int) AS i
    UNION ALL SELECT ${COMMON}`);
  // Every post has two tags of many; one in twenty has the common one too. Through the triggers.
  await db.execute(sql`
    INSERT INTO post_tags (post_id, tag_id, position)
    SELECT p.id, t.id, 0 FROM posts p JOIN tags t ON t.name = 'tag-' || (1 + p.id % ${TAGS}::int)
    UNION ALL
    SELECT p.id, t.id, 1 FROM posts p JOIN tags t ON t.name = 'tag-' || (1 + (p.id * 7 + 3) % ${TAGS}::int)
      WHERE (p.id * 7 + 3) % ${TAGS}::int <> p.id % ${TAGS}::int
    UNION ALL
    SELECT p.id, t.id, 2 FROM posts p JOIN tags t ON t.name = ${COMMON} WHERE p.id % 20 = 1`);
  await db.execute(sql`VACUUM ANALYZE posts`);
  await db.execute(sql`VACUUM ANALYZE tags`);
  await db.execute(sql`VACUUM ANALYZE post_tags`);
});
afterAll(() => t.close());

describe('plans of the tags repository', () => {
  it('seeded a tag on 5% of posts, with counts of published posts kept by the database', async () => {
    const [row] = await rows<{ posts: number; counted: string | number }>(sql`
      SELECT posts, (SELECT count(*) FROM post_tags WHERE tag_id = tags.id AND status = 'published') AS counted
      FROM tags WHERE name = ${COMMON}`);
    expect(row!.posts).toBe(Number(row!.counted));
    expect(row!.posts).toBeGreaterThan(POSTS / 25);
  });

  it('a tag’s page 1 is an index-only walk of the tag feed index', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.feedOffset, {
      name: COMMON,
      skip: 0,
      limit: 10,
    });
    expectIndexPath(plan, ['post_tags_feed_idx', 'tags_name_idx'], ['posts', 'post_tags', 'tags']);
    expect(indexOnly(plan), describePlan(plan)).toContain('post_tags_feed_idx');
  });

  it('a deep offset and a cursor at 90% of the tag’s depth walk the same index, index-only', async () => {
    const [deep] = await rows<{ date_posted: string | Date; post_id: number }>(sql`
      SELECT date_posted, post_id FROM post_tags
      WHERE tag_id = (SELECT id FROM tags WHERE name = ${COMMON}) AND status = 'published'
      ORDER BY date_posted DESC, post_id DESC OFFSET 250 LIMIT 1`);
    const after = await planOf(t.app.database.db, repository.statements.primary.feedAfter, {
      name: COMMON,
      afterDate: new Date(deep!.date_posted),
      afterId: Number(deep!.post_id),
      limit: 11,
    });
    expectIndexPath(after, ['post_tags_feed_idx'], ['posts', 'post_tags', 'tags']);
    expect(indexOnly(after), describePlan(after)).toContain('post_tags_feed_idx');
    const offset = await planOf(t.app.database.db, repository.statements.primary.feedOffset, {
      name: COMMON,
      skip: 250,
      limit: 10,
    });
    expectIndexPath(offset, ['post_tags_feed_idx'], ['posts', 'post_tags', 'tags']);
    expect(indexOnly(offset), describePlan(offset)).toContain('post_tags_feed_idx');
  });

  it('the tags of a page of posts are read by primary keys, with no scan of the links or the tags', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.ofPosts, {
      postIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    });
    const scans = plan.filter((n) => n['Node Type'] === 'Seq Scan');
    expect(scans, describePlan(plan)).toEqual([]);
    expect(plan.map((n) => n['Index Name']).filter(Boolean), describePlan(plan)).toEqual(
      expect.arrayContaining(['post_tags_post_id_tag_id_pk', 'tags_pkey']),
    );
  });

  it('the list of tags walks the popular index, and a prefix uses the name index', async () => {
    const popular = await planOf(t.app.database.db, repository.statements.primary.popular, { limit: 20 });
    expectIndexPath(popular, ['tags_popular_idx'], ['tags']);
    const prefix = await planOf(t.app.database.db, repository.statements.primary.withPrefix, {
      pattern: 'tag-1%',
      limit: 20,
    });
    const scans = prefix.filter((n) => n['Node Type'] === 'Seq Scan');
    expect(scans, describePlan(prefix)).toEqual([]);
  });
});
