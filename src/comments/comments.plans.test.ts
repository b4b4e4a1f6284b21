// The plans of the comments repository's own prepared statements: a thread is read from the comments
// index (never a scan of every comment), its authors by primary key.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestApp, expectIndexPath, planOf, type TestApp } from '../../test/support/index.js';
import { CommentsRepository } from './comments.repository.js';

let t: TestApp;
let repository: CommentsRepository;
let busyPost: number;

beforeAll(async () => {
  t = await createTestApp();
  repository = new CommentsRepository(t.app.database);
  const db = t.app.database.db;
  await db.execute(sql`
    INSERT INTO users (username, email, password_hash)
    SELECT 'user' || i, 'user' || i || '@example.com', 'not-a-real-hash' FROM generate_series(1, 2000) AS i`);
  await db.execute(sql`
    INSERT INTO posts (title, content, user_id)
    SELECT 'Post ' || i, 'Words', 1 + i % 200 FROM generate_series(1, 500) AS i`);
  // Most comments on a few posts, as in life.
  await db.execute(sql`
    INSERT INTO comments (post_id, user_id, content, created_at)
    SELECT 1 + floor(random() ^ 3 * 500)::int, 1 + i % 2000, 'A comment ' || i,
           now() - (10000 - i) * interval '1 second'
    FROM generate_series(1, 10000) AS i`);
  await db.execute(sql`ANALYZE users`);
  await db.execute(sql`ANALYZE posts`);
  await db.execute(sql`ANALYZE comments`);
  const result: unknown = await db.execute(
    sql`SELECT post_id FROM comments GROUP BY post_id ORDER BY count(*) DESC LIMIT 1`,
  );
  busyPost = Number((result as { rows: { post_id: number }[] }).rows[0]!.post_id);
});
afterAll(() => t.close());

describe('plans of the comments repository', () => {
  it("a thread's first page walks the comments index and looks authors up by primary key", async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.offset, {
      postId: busyPost,
      skip: 0,
      limit: 20,
    });
    expectIndexPath(plan, ['comments_post_idx', 'users_pkey'], ['comments', 'users']);
  });

  it('a cursor page starts from the comments index', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.after, {
      postId: busyPost,
      afterDate: new Date(Date.now() - 5_000_000),
      afterId: 5000,
      limit: 21,
    });
    expectIndexPath(plan, ['comments_post_idx', 'users_pkey'], ['comments', 'users']);
  });

  it('a comment by id is two primary-key lookups', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.byId, { id: 5000 });
    expectIndexPath(plan, ['comments_pkey', 'users_pkey'], ['comments', 'users']);
  });
});
