// The plan of the search statement (not its timing): with thousands of posts analyzed, a rare word is
// found through the GIN index, a word in half the posts by walking the newest index until the cap, and
// neither reads posts or scans the search table. Runs on PGlite, and on the real server when
// TEST_DATABASE_URL is set; the benchmark runs the same words on 1,000,000 posts.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  describePlan,
  planOf,
  type PlanNode,
  type TestApp,
  TEST_DATABASE_URL,
} from '../../test/support/index.js';
import { RANKED_CANDIDATES } from './limits.js';
import { SearchRepository } from './search.repository.js';

const POSTS = 20_000;

let t: TestApp;
let repository: SearchRepository;

const values = (q: string) => ({ language: 'english', q, cap: RANKED_CANDIDATES, skip: 0, limit: 10 });
const scansOf = (plan: PlanNode[], table: string) =>
  plan.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table);
const indexes = (plan: PlanNode[]) => plan.map((n) => n['Index Name']).filter(Boolean);

beforeAll(async () => {
  t = await createTestApp();
  repository = new SearchRepository(t.app.database, RANKED_CANDIDATES);
  const db = t.app.database.db;
  await db.execute(
    sql`INSERT INTO users (username, email, password_hash) VALUES ('a', 'a@example.com', 'x')`,
  );
  await db.execute(sql`
    INSERT INTO posts (title, content, user_id, date_posted, status)
    SELECT 'Post ' || i, 'Words.', 1, now() - (${POSTS}::int - i) * interval '1 minute',
           CASE WHEN i % 10 = 0 THEN 'draft' ELSE 'published' END
    FROM generate_series(1, ${POSTS}::int) AS i`);
  // Search rows of about 2 KB, as real ones are (a post's text and its vector), in date order as a
  // blog writes them, without parsing 40 MB of text here: most of each page is left empty.
  await db.execute(sql`ALTER TABLE post_search SET (fillfactor = 10)`);
  // Every post has filler; "halfword" is in half of them, "common" in 1%, "rareword" in 10.
  await db.execute(sql`
    INSERT INTO post_search (post_id, language, title, body)
    SELECT id, 'english', title, concat_ws(' ', 'filler text of post', 'number' || id,
      CASE WHEN id % 2 = 1 THEN 'halfword' END,
      CASE WHEN id % 100 = 1 THEN 'common' END,
      CASE WHEN id % ${POSTS / 10}::int = 1 THEN 'rareword' END)
    FROM posts`);
  await db.execute(sql`VACUUM ANALYZE posts`);
  await db.execute(sql`VACUUM ANALYZE post_search`);
});
afterAll(() => t.close());

describe('plan of the search statement', () => {
  it('a rare word is found through the GIN index of published posts', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.search, values('rareword'));
    expect(scansOf(plan, 'post_search'), describePlan(plan)).toEqual([]);
    expect(indexes(plan), describePlan(plan)).toContain('post_search_document_idx');
    expect(scansOf(plan, 'posts'), describePlan(plan)).toEqual([]);
  });

  it('a word in half the posts walks the newest index and stops at the cap', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.search, values('halfword'));
    expect(scansOf(plan, 'post_search'), describePlan(plan)).toEqual([]);
    expect(indexes(plan), describePlan(plan)).toContain('post_search_newest_idx');
  });

  it('a word in 1% of the posts is found through the GIN index, not by walking the newest index', async () => {
    // 200 matches (the planner expects 180) for a cap of 8 put this table where a million posts with
    // the cap of 1,000 are: with PostgreSQL's default random_page_cost, walking the newest index (rows
    // in date order, a hundred read for each match) is priced below the GIN index (database/planner.ts).
    const cap = 8;
    const capped = new SearchRepository(t.app.database, cap);
    const plan = await planOf(t.app.database.db, capped.statements.primary.search, {
      ...values('common'),
      cap,
    });
    expect(scansOf(plan, 'post_search'), describePlan(plan)).toEqual([]);
    expect(indexes(plan), describePlan(plan)).toContain('post_search_document_idx');
    expect(indexes(plan), describePlan(plan)).not.toContain('post_search_newest_idx');
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'the search statement is sent unnamed, so that no plan made without its words is kept for it',
    async () => {
      // One request at a time: the pool hands out the same connection, whose statements are listed.
      await repository.search('english', 'halfword', 0, 10);
      await repository.statements.primary.relanguage.execute({ language: 'english' });
      const result = await t.app.database.db.execute(
        sql`SELECT name, statement FROM pg_prepared_statements WHERE NOT from_sql`,
      );
      const { rows } = result as { rows: { name: string; statement: string }[] };
      expect(rows.map((row) => row.name)).toContain('search_relanguage');
      expect(rows.filter((row) => row.statement.includes('ts_headline'))).toEqual([]);
    },
  );

  it('a start with the same SEARCH_LANGUAGE finds nothing to rewrite through the language index', async () => {
    const plan = await planOf(t.app.database.db, repository.statements.primary.relanguage, {
      language: 'english',
    });
    expect(scansOf(plan, 'post_search'), describePlan(plan)).toEqual([]);
    expect(indexes(plan), describePlan(plan)).toContain('post_search_language_idx');
  });

  it('finds what was seeded, drafts aside, and caps the ranked total', async () => {
    expect((await repository.search('english', 'rareword', 0, 10)).total).toBe(10);
    expect((await repository.search('english', 'halfword', 0, 10)).total).toBe(RANKED_CANDIDATES);
  });
});
