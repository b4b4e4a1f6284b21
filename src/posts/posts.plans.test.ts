// Guards the query plans of the hot paths (not their timings): with a few thousand posts analyzed, each
// query must reach posts and users through an index, never a sequential scan. Runs on PGlite, and on
// the real server when TEST_DATABASE_URL is set.
//
// The queries are built with Drizzle as src/posts/posts.service.ts and src/users/users.service.ts build
// them (same builders, same order, same limits), with the values inline where the service's prepared
// statements bind placeholders (PostgreSQL plans each execution with its values, as it does here until
// a generic plan is no dearer); keep the two in step. The benchmark explains the same queries on
// 1,000,000 posts (bench/plans.mjs).
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counters } from '../platform/database/counters.table.js';
import { posts } from '../posts/posts.table.js';
import { users } from '../users/users.table.js';
import { createTestApp, type TestApp } from '../../test/support/index.js';

const USERS = 500;
const POSTS = 5_000;

let t: TestApp;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

async function rows<T>(query: SQL): Promise<T[]> {
  const result: unknown = await t.app.database.db.execute(query);
  return (result as { rows: T[] }).rows;
}

/** EXPLAIN (FORMAT JSON) of a query, flattened into its nodes. */
async function planOf(query: { getSQL(): SQL }): Promise<PlanNode[]> {
  const [row] = await rows<{ 'QUERY PLAN': unknown }>(sql`EXPLAIN (FORMAT JSON) ${query.getSQL()}`);
  const raw = row?.['QUERY PLAN'];
  const [document] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node);
    node.Plans?.forEach(walk);
  };
  walk(document.Plan);
  return nodes;
}

const describeNodes = (nodes: PlanNode[]) =>
  nodes.map((n) => `${n['Node Type']}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}`).join(' > ');

/** No sequential scan of posts or users, and the tables it reads are reached through these indexes. */
function expectIndexPath(nodes: PlanNode[], indexes: string[]) {
  const seqScans = nodes.filter(
    (n) => n['Node Type'] === 'Seq Scan' && ['posts', 'users'].includes(n['Relation Name'] ?? ''),
  );
  expect(seqScans, describeNodes(nodes)).toEqual([]);
  const used = nodes.map((n) => n['Index Name']).filter(Boolean);
  for (const index of indexes) expect(used, describeNodes(nodes)).toContain(index);
}

// The builders of posts.service.ts.
const authorColumns = { id: users.id, username: users.username, imageFile: users.imageFile };
const feedOrder = [desc(posts.datePosted), desc(posts.id)];
const selectWithAuthors = () =>
  t.app.database.db
    .select({ post: posts, author: authorColumns })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.userId))
    .$dynamic();
function selectPage(filter: SQL | undefined, page: { skip: number; limit: number; after?: Cursor }) {
  const { after } = page;
  const query = selectWithAuthors()
    .where(and(filter, after && sql`(${posts.datePosted}, ${posts.id}) < (${after.datePosted}, ${after.id})`))
    .orderBy(...feedOrder);
  return after ? query.limit(page.limit + 1) : query.offset(page.skip).limit(page.limit);
}

interface Cursor {
  datePosted: Date;
  id: number;
}

/** The position of the `depth`-th newest post (of one user, when given), as a cursor. */
async function cursorAt(depth: number, userId?: number): Promise<Cursor> {
  const [row] = await rows<{ date_posted: string | Date; id: number }>(sql`
    SELECT date_posted, id FROM posts ${userId === undefined ? sql`` : sql`WHERE user_id = ${userId}`}
    ORDER BY date_posted DESC, id DESC OFFSET ${depth - 1} LIMIT 1`);
  if (!row) throw new Error(`no post at depth ${depth}`);
  return { datePosted: new Date(row.date_posted), id: Number(row.id) };
}

let prolificAuthor: number;

beforeAll(async () => {
  t = await createTestApp();
  await t.reset();
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
  await db.execute(sql`ANALYZE users`);
  await db.execute(sql`ANALYZE posts`);
  await db.execute(sql`ANALYZE counters`);
  const [top] = await rows<{ user_id: number }>(
    sql`SELECT user_id FROM posts GROUP BY user_id ORDER BY count(*) DESC LIMIT 1`,
  );
  prolificAuthor = Number(top!.user_id);
});
afterAll(() => t.close());

describe('query plans of the hot paths', () => {
  it('seeded enough rows for the planner to have a choice', async () => {
    const [counts] = await rows<{ posts: string | number; counter: string | number }>(
      sql`SELECT (SELECT count(*) FROM posts) AS posts, (SELECT value FROM counters WHERE name = 'posts') AS counter`,
    );
    expect(Number(counts!.posts)).toBe(POSTS);
    expect(Number(counts!.counter)).toBe(POSTS);
  });

  it('feed page 1 walks the feed index and looks authors up by primary key', async () => {
    expectIndexPath(await planOf(selectPage(undefined, { skip: 0, limit: 10 })), [
      'posts_feed_idx',
      'users_pkey',
    ]);
  });

  it('a deep cursor page starts from the feed index, not from a scan', async () => {
    const after = await cursorAt(Math.floor(POSTS * 0.9));
    expectIndexPath(await planOf(selectPage(undefined, { skip: 0, limit: 10, after })), [
      'posts_feed_idx',
      'users_pkey',
    ]);
  });

  it("a user's page and its cursor form use the per-user feed index", async () => {
    const filter = eq(posts.userId, prolificAuthor);
    expectIndexPath(await planOf(selectPage(filter, { skip: 0, limit: 10 })), ['posts_user_feed_idx']);
    const after = await cursorAt(5, prolificAuthor);
    expectIndexPath(await planOf(selectPage(filter, { skip: 0, limit: 10, after })), ['posts_user_feed_idx']);
    // The total of a user's page is the kept post_count, read by primary key.
    expectIndexPath(
      await planOf(
        t.app.database.db
          .select({ postCount: users.postCount })
          .from(users)
          .where(eq(users.id, prolificAuthor)),
      ),
      ['users_pkey'],
    );
  });

  it('a post by id is two primary-key lookups', async () => {
    expectIndexPath(await planOf(selectWithAuthors().where(eq(posts.id, Math.floor(POSTS / 2)))), [
      'posts_pkey',
      'users_pkey',
    ]);
  });

  it('the feed total reads the counters row and never touches posts', async () => {
    const nodes = await planOf(
      t.app.database.db.select({ value: counters.value }).from(counters).where(eq(counters.name, 'posts')),
    );
    expect(nodes.map((n) => n['Relation Name']).filter(Boolean), describeNodes(nodes)).toEqual(['counters']);
  });

  it('login finds the user by lower(email) through its unique index', async () => {
    const email = 'User123@Example.com';
    expectIndexPath(
      await planOf(
        t.app.database.db
          .select()
          .from(users)
          .where(sql`lower(${users.email}) = lower(${email})`),
      ),
      ['users_email_lower_key'],
    );
  });

  it('the users list walks the primary key in order', async () => {
    expectIndexPath(
      await planOf(t.app.database.db.select().from(users).orderBy(asc(users.id)).offset(0).limit(100)),
      ['users_pkey'],
    );
  });
});
