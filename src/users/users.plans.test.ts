// The plans of the users repository's own prepared statements: each reaches `users` through an index.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestApp, expectIndexPath, planOf, type TestApp } from '../../test/support/index.js';
import { UsersRepository } from './users.repository.js';

let t: TestApp;
let repository: UsersRepository;

beforeAll(async () => {
  t = await createTestApp();
  repository = new UsersRepository(t.app.database);
  await t.app.database.db.execute(sql`
    INSERT INTO users (username, email, password_hash)
    SELECT 'user' || i, 'user' || i || '@example.com', 'not-a-real-hash'
    FROM generate_series(1, 5000) AS i`);
  // Followers and posts as the counters would keep them: many with none, a few suspended.
  await t.app.database.db.execute(sql`
    UPDATE users SET followers = CASE WHEN id % 4 = 0 THEN id % 97 ELSE 0 END,
      post_count = id % 3, suspended = id % 50 = 0`);
  await t.app.database.db.execute(sql`VACUUM ANALYZE users`);
});
afterAll(() => t.close());

describe('plans of the users repository', () => {
  it('the user of a token is found by primary key', async () => {
    expectIndexPath(await planOf(t.app.database.db, repository.statements.byId, { id: 2500 }), [
      'users_pkey',
    ]);
  });

  it('a login finds the user by lower(email) through its unique index', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.byEmail, {
      email: 'User123@Example.com',
    });
    expectIndexPath(plan, ['users_email_lower_key']);
  });

  it('the users list walks the primary key in order', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.list, { skip: 0, limit: 100 });
    expectIndexPath(plan, ['users_pkey']);
  });

  it('the most followed authors to suggest walk users_followers_idx in its order, not sorting', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.mostFollowed, {
      limit: 20,
      except: [96, 4],
    });
    expectIndexPath(plan, ['users_followers_idx']);
  });

  it('which of a few users may be suggested is read by primary key', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.suggestable, {
      ids: [12, 500, 2500, 4999],
    });
    expectIndexPath(plan, ['users_pkey']);
  });

  it("the total of a user's page is the kept post_count, read by primary key", async () => {
    const plan = await planOf(t.app.database.db, repository.statements.postCount, { id: 2500 });
    expectIndexPath(plan, ['users_pkey']);
  });
});
