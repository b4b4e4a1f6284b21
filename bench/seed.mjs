// Creates a benchmark database, applies the app's own migrations, and fills it with SQL alone
// (INSERT ... SELECT over generate_series): no row goes through Node.
//
// `node bench/seed.mjs` on its own compares the two ways of keeping the trigger-maintained totals
// right (see seedDatabase) on a throwaway database and prints the timings.
import { hash } from '@node-rs/argon2';
import pg from 'pg';
import { ROOT } from './lib.mjs';

export const BENCH_PASSWORD = 'benchmark-password-1';

let passwordHash;

/** One Argon2id hash with the app's parameters, computed once and shared by every seeded user. */
export async function benchPasswordHash() {
  passwordHash ??= await hash(BENCH_PASSWORD, {
    algorithm: 2,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  });
  return passwordHash;
}

export function databaseUrl(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(serverUrl, name) {
  return withClient(serverUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount > 0;
  });
}

export async function createDatabase(serverUrl, name) {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  return databaseUrl(serverUrl, name);
}

export async function dropDatabase(serverUrl, name) {
  await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** The app's migrations, applied by the app's own code (dist/ must be built). */
export async function migrate(url) {
  const { migratePostgres } = await import(
    new URL('dist/platform/database/database.js', `file://${ROOT}`).href
  );
  await migratePostgres(url);
}

// Plain English, so that lengths and compression behave like real posts; each post takes a slice.
const CORPUS = [
  'I finally moved the whole blog to a new server this weekend, and it went better than I feared.',
  'The database came across in one piece, the pictures took a little longer, and nothing was lost.',
  'Most of the time went into reading old notes and deciding what was still worth keeping around.',
  'If you have been putting off a migration like this, my advice is to write the checklist first.',
  'Then run it twice on a copy, time each step, and only then pick a quiet evening for the real move.',
  'On the way I learned more about indexes than I expected, mostly by getting them wrong at first.',
  'A page that used to take half a second now comes back in a few milliseconds, which is pleasant.',
  'The garden is doing well too: the tomatoes are late again, but the beans have taken over the fence.',
  'Someone asked in the comments how I organise my reading list, so here is the short version of it.',
  'Everything goes into one plain text file, newest at the top, with a line about why it is there.',
  'Once a month I read the bottom half again and delete whatever no longer makes me curious at all.',
  'It is not clever, but it has survived ten years and three laptops, which no clever system has.',
].join(' ');
const LONG_CORPUS = `${CORPUS} `.repeat(8); // about 9,000 characters, enough for the longest posts

const TITLES = [
  'Moving the blog',
  'Notes from the weekend',
  'What I learned about indexes',
  'A short update',
  'Reading list, again',
  'Garden diary',
  'Why I write checklists',
  'Three small tools I use every day',
  'On keeping things simple',
  'Lessons from a slow page',
];

/**
 * Fills a migrated database: `users` users (all with the one precomputed hash, one in five with a
 * picture) and `posts` posts spread over the past, newest now, by skewed authors, with titles (one in
 * ten missing) and contents of realistic lengths (mostly 80-2,000 characters, one in twenty up to
 * 8,000), and `comments` comments: a tenth of them on the newest post (a thread to page through at
 * depth), the rest on random posts, newest post last. Each post is written once, in date order, with
 * its comment count. Then the totals the triggers keep are made right, and the tables are vacuumed
 * and analyzed. Posts carry their rendering at `renderVersion` (the app's
 * RENDERER_VERSION), so that no re-rendering job runs during the measurements; `articles`
 * (`{markdown, html, count}`) turns the `count` oldest posts into Markdown articles. Every post's text
 * ends with marker words for search (see below). With `discovery`, tags and the search rows (through the
 * app's triggers, as the app writes them); with `people`, three readers who follow 10, 1,000 and 10,000
 * authors (READERS).
 *
 * `method`:
 *   'bulk'     (default) inserts the comments, then the posts with their comment counts, with
 *              `session_replication_role = replica` (no trigger, no foreign-key check per row), then
 *              sets `counters` and `users.post_count` with two statements, and checks that every
 *              post's author exists;
 *   'triggers' inserts with every trigger on (the statement-level counter triggers handle the bulk
 *              insert; the foreign-key trigger checks each row).
 */
export async function seedDatabase(
  url,
  {
    users,
    posts,
    comments = 0,
    method = 'bulk',
    renderVersion,
    articles,
    discovery = false,
    people = false,
    log = () => {},
  },
) {
  if (!Number.isInteger(renderVersion)) throw new Error('seedDatabase needs the renderer version');
  const hashed = await benchPasswordHash();
  const timings = {};
  const step = async (client, name, text, values) => {
    const started = performance.now();
    const result = await client.query(text, values);
    timings[name] = Math.round(performance.now() - started);
    log(`  ${name}: ${timings[name]} ms`);
    return result;
  };
  await withClient(url, async (client) => {
    await client.query('SET synchronous_commit = off');
    await step(
      client,
      'users',
      `INSERT INTO users (username, email, password_hash, image_file, created_at)
       SELECT 'user' || i, 'user' || i || '@example.com', $1,
              CASE WHEN i % 5 = 0 THEN md5(i::text) || '.jpg' END,
              now() - ($2 - i) * interval '10 minutes'
       FROM generate_series(1, $2::int) AS i`,
      [hashed, users],
    );
    if (method === 'bulk') await client.query('SET session_replication_role = replica');
    // The hot thread is the newest post's: a tenth of all comments, in the order they were written.
    const insertComments = () =>
      step(
        client,
        'comments',
        `INSERT INTO comments (post_id, user_id, content, created_at, updated_at)
         SELECT CASE WHEN i <= $2 THEN $3 ELSE 1 + floor(random() * ($3 - 1))::int END,
                1 + floor(random() ^ 2 * $4)::int,
                substr($5, 1 + floor(random() * 900)::int, 40 + floor(random() ^ 2 * 400)::int),
                now() - ($1 - i) * interval '60 milliseconds',
                now() - ($1 - i) * interval '60 milliseconds'
         FROM generate_series(1, $1::int) AS i`,
        [comments, Math.floor(comments / 10), posts, users, LONG_CORPUS],
      );
    // In bulk, the comments come first (no foreign-key check runs) so that each post is written once,
    // with its comment count, in date order: an UPDATE of the counts afterwards would move most rows
    // to wherever the heap had room, which a blog's table, written in date order and commented on soon
    // after, does not look like (and which the index-only scans of the feed index pay for).
    const countsFirst = method === 'bulk' && comments > 0;
    if (countsFirst) {
      await insertComments();
      await step(
        client,
        'comment_counts',
        `CREATE TEMPORARY TABLE comment_counts (post_id int PRIMARY KEY, n int NOT NULL);
         INSERT INTO comment_counts SELECT post_id, count(*) FROM comments GROUP BY post_id`,
      );
    }
    // Plain-text posts as the writing migration left the original's: one paragraph, rendered already;
    // the `articles.count` oldest are Markdown articles (headings, lists, code, links) rendered by the
    // app's own renderer (given by the caller) and spread over them. One row each, in date order.
    await step(
      client,
      'posts',
      `INSERT INTO posts (title, content, user_id, date_posted, updated_at, content_html, excerpt,
                          reading_minutes, render_version, comments)
       SELECT title,
              CASE WHEN i <= $6 THEN ($7::text[])[1 + i % array_length($7::text[], 1)] ELSE content END,
              user_id, date_posted, date_posted,
              CASE WHEN i <= $6 THEN ($8::text[])[1 + i % array_length($8::text[], 1)]
                   ELSE '<p>' || replace(replace(replace(content, '&', '&amp;'), '<', '&lt;'), '>', '&gt;') || '</p>'
              END,
              left(content, 200),
              CASE WHEN i <= $6 THEN 4 ELSE greatest(1, length(content) / 1300) END,
              $5,
              ${countsFirst ? 'coalesce((SELECT n FROM comment_counts WHERE post_id = i), 0)' : '0'}
       FROM (SELECT i,
                    CASE WHEN random() < 0.1 THEN NULL
                         ELSE ($1::text[])[1 + floor(random() * array_length($1::text[], 1))::int] || ' #' || i
                    END AS title,
                    substr($2, 1 + floor(random() * 900)::int,
                           CASE WHEN random() < 0.05 THEN 2000 + floor(random() * 6000)::int
                                ELSE 80 + floor(random() ^ 2 * 1920)::int END)
                      -- Words a search finds in half, in 1% and in 0.001% of the posts.
                      || CASE WHEN i % 2 = 0 THEN ' walrus' ELSE '' END
                      || CASE WHEN i % 100 = 0 THEN ' zebra' ELSE '' END
                      || CASE WHEN i % 100000 = 0 THEN ' quokka' ELSE '' END AS content,
                    1 + floor(random() ^ 2 * $4)::int AS user_id,
                    now() - ($3 - i) * interval '90 seconds'
                      - floor(random() * 60000)::int * interval '1 millisecond' AS date_posted
             FROM generate_series(1, $3::int) AS i) AS generated`,
      [
        TITLES,
        LONG_CORPUS,
        posts,
        users,
        renderVersion,
        articles?.count ?? 0,
        articles?.markdown ?? [],
        articles?.html ?? [],
      ],
    );
    if (countsFirst) {
      await client.query('DROP TABLE comment_counts');
      // The counts were joined on the series' number: each post's id must be it.
      const { rows } = await client.query('SELECT min(id) AS first, max(id) AS last FROM posts');
      if (Number(rows[0].first) !== 1 || Number(rows[0].last) !== posts) {
        throw new Error(
          `post ids ${rows[0].first}-${rows[0].last} are not 1-${posts}: the comment counts are off`,
        );
      }
    }
    if (method !== 'bulk' && comments > 0) await insertComments();
    if (method === 'bulk') {
      await client.query('SET session_replication_role = origin');
      await step(
        client,
        'counters',
        `UPDATE counters SET value = (SELECT count(*) FROM posts) WHERE name = 'posts'`,
      );
      await step(
        client,
        'post_count',
        `UPDATE users SET post_count = per_user.n
         FROM (SELECT user_id, count(*) AS n FROM posts GROUP BY user_id) AS per_user
         WHERE users.id = per_user.user_id`,
      );
      const orphans = await step(
        client,
        'fk_check',
        'SELECT count(*)::int AS n FROM posts WHERE NOT EXISTS (SELECT 1 FROM users WHERE users.id = posts.user_id)',
      );
      if (orphans.rows[0].n !== 0) throw new Error(`${orphans.rows[0].n} posts without an author`);
    }
    if (discovery) await seedDiscovery(client, step);
    if (people) await seedPeople(client, step, users);
    // What autovacuum would have done by the time a real table got this big: visibility map and stats.
    await step(
      client,
      'vacuum_analyze',
      `VACUUM (ANALYZE) users, posts, comments, counters${discovery ? ', tags, post_tags, post_search' : ''}${people ? ', follows' : ''}`,
    );
    // Write the seeded pages out now, rather than in a checkpoint during the first measurements.
    await step(client, 'checkpoint', 'CHECKPOINT');
    const check = await client.query(
      `SELECT (SELECT value FROM counters WHERE name = 'posts')::bigint AS counter,
              (SELECT count(*) FROM posts) AS posts,
              (SELECT sum(post_count) FROM users) AS post_counts,
              (SELECT sum(comments) FROM posts) AS comment_counts`,
    );
    const { counter, posts: counted, post_counts: perUser, comment_counts: perPost } = check.rows[0];
    if (
      Number(counter) !== posts ||
      Number(counted) !== posts ||
      Number(perUser) !== posts ||
      Number(perPost) !== comments
    ) {
      throw new Error(`totals are wrong after seeding: ${JSON.stringify(check.rows[0])}`);
    }
  });
  timings.total = Object.values(timings).reduce((a, b) => a + b, 0);
  return timings;
}

/**
 * Tags through the app's triggers (the post's date and status copied beside each link, the per-tag
 * counts): every post one of 1,000 tags (`tag-1` the most used, skewed), every twentieth `common`
 * (5%: 50,000 at full size), every thousandth `rare`. Then each post's search row, made as the
 * migration that introduced search makes the rows of older posts, and the table's indexes built.
 */
async function seedDiscovery(client, step) {
  await step(
    client,
    'tags',
    `INSERT INTO tags (name) SELECT 'tag-' || i FROM generate_series(1, 1000) AS i
     UNION ALL VALUES ('common'), ('rare')`,
  );
  await step(
    client,
    'post_tags',
    `INSERT INTO post_tags (post_id, tag_id, position)
     SELECT drawn.id, tags.id, 0
       FROM (SELECT id, 'tag-' || (1 + floor(random() ^ 3 * 1000)::int) AS name FROM posts) AS drawn
       JOIN tags ON tags.name = drawn.name
     UNION ALL SELECT id, (SELECT id FROM tags WHERE name = 'common'), 1 FROM posts WHERE id % 20 = 0
     UNION ALL SELECT id, (SELECT id FROM tags WHERE name = 'rare'), 2 FROM posts WHERE id % 1000 = 0`,
  );
  // A bulk load builds its secondary indexes once at the end rather than entry by entry (PostgreSQL's
  // "Populating a Database"). The unique index stays, for ON CONFLICT.
  // In one transaction, so that a failed load never leaves a reused database without its indexes.
  await client.query('BEGIN');
  const { rows: indexes } = await client.query(
    `SELECT index.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index AS i JOIN pg_class AS index ON index.oid = i.indexrelid
      WHERE i.indrelid = 'post_search'::regclass AND NOT i.indisunique
        AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.indexrelid)`,
  );
  for (const { name } of indexes) await client.query(`DROP INDEX ${client.escapeIdentifier(name)}`);
  await step(
    client,
    'post_search',
    `INSERT INTO post_search (post_id, language, title, summary, body)
     SELECT p.id, 'english'::regconfig, coalesce(p.title, ''),
            concat_ws(' ', p.description, (SELECT string_agg(t.name, ' ' ORDER BY pt.position)
              FROM post_tags AS pt JOIN tags AS t ON t.id = pt.tag_id WHERE pt.post_id = p.id)),
            p.content
     FROM posts AS p
     ON CONFLICT (post_id) DO NOTHING`,
  );
  await client.query(`SET LOCAL maintenance_work_mem = '1GB'`);
  await step(client, 'post_search_indexes', indexes.map(({ definition }) => definition).join(';\n'));
  await client.query('COMMIT');
}

/** Reader ids and how many authors each follows: the most prolific authors first (ids 1, 2, ...). */
export function readers(users) {
  return [
    { id: users, follows: 10 },
    { id: users - 1, follows: 1_000 },
    { id: users - 2, follows: 10_000 },
  ];
}

/** The readers' follows, through the app's triggers (the followers and following counts). */
async function seedPeople(client, step, users) {
  for (const reader of readers(users)) {
    await step(
      client,
      `follows_${reader.follows}`,
      `INSERT INTO follows (follower_id, followee_id) SELECT $1, i FROM generate_series(1, $2::int) AS i`,
      [reader.id, reader.follows],
    );
  }
}

/**
 * How many posts a reader's personal feed holds, and the times of its newest post and of the post at
 * `depth` (at most 90% of them, so that it exists on a smaller set).
 */
export async function followedSpan(url, readerId, depth) {
  return withClient(url, async (client) => {
    const followed = `user_id IN (SELECT followee_id FROM follows WHERE follower_id = $1) AND status = 'published'`;
    const { rows } = await client.query(`SELECT count(*)::int AS posts FROM posts WHERE ${followed}`, [
      readerId,
    ]);
    const at = Math.max(1, Math.min(depth, Math.floor(rows[0].posts * 0.9)));
    const dateAt = async (offset) => {
      const found = await client.query(
        `SELECT date_posted FROM posts WHERE ${followed} ORDER BY date_posted DESC, id DESC OFFSET $2 LIMIT 1`,
        [readerId, offset],
      );
      return found.rows[0].date_posted;
    };
    return {
      posts: rows[0].posts,
      depth: at,
      deep: await dateAt(at - 1),
      // The newest post, and the one a hundred posts down: random cursors between them are page 1's
      // work in a URL no cache has seen.
      newest: await dateAt(0),
      top: await dateAt(Math.min(100, at) - 1),
    };
  });
}

/** How many posts carry `tag`, and the time of the one at `depth` in its feed. */
export async function tagSpan(url, tag, depth) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `SELECT (SELECT count(*)::int FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = $1) AS posts,
              (SELECT pt.date_posted FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                WHERE t.name = $1 AND pt.status = 'published'
                ORDER BY pt.date_posted DESC, pt.post_id DESC OFFSET $2 LIMIT 1) AS deep`,
      [tag, depth - 1],
    );
    return rows[0];
  });
}

/** The oldest and newest times of a post's comments, for cursors at a depth of its thread. */
export async function threadSpan(url, postId) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      'SELECT min(created_at) AS first, max(created_at) AS last, count(*)::int AS n FROM comments WHERE post_id = $1',
      [postId],
    );
    return { first: rows[0].first, last: rows[0].last, count: rows[0].n };
  });
}

/** The times of the newest and the `depth`-th newest post: cursors between them are at that depth or less. */
export async function feedSpan(url, depth) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `SELECT (SELECT max(date_posted) FROM posts) AS newest,
              (SELECT date_posted FROM posts ORDER BY date_posted DESC, id DESC OFFSET $1 LIMIT 1) AS deep`,
      [depth - 1],
    );
    return { newest: rows[0].newest, deep: rows[0].deep };
  });
}

/** The `next_cursor` that the page ending with the `depth`-th newest post would hand out. */
export async function cursorAtDepth(url, depth) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `SELECT date_posted, id FROM posts ORDER BY date_posted DESC, id DESC OFFSET $1 LIMIT 1`,
      [depth - 1],
    );
    const row = rows[0];
    return `${row.date_posted.toISOString()}_${row.id}`;
  });
}

/** Sizes and server settings recorded with the results. */
export async function describeDatabase(url) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM posts)::int AS posts,
              (SELECT count(*) FROM comments)::int AS comments,
              pg_size_pretty(pg_total_relation_size('posts')) AS posts_size,
              pg_size_pretty(pg_database_size(current_database())) AS database_size,
              (SELECT round(avg(length(content))) FROM posts)::int AS avg_content_chars,
              current_setting('shared_buffers') AS shared_buffers,
              current_setting('server_version') AS server_version`,
    );
    return rows[0];
  });
}

// Standalone: measure both seeding methods at full size on throwaway databases.
if (import.meta.url === `file://${process.argv[1]}`) {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const users = Number(process.env.BENCH_USERS ?? 100_000);
  const posts = Number(process.env.BENCH_POSTS ?? 1_000_000);
  for (const method of ['bulk', 'triggers']) {
    const name = `fastblog_bench_seed_${method}_${process.pid}`;
    try {
      const url = await createDatabase(serverUrl, name);
      await migrate(url);
      console.log(`${method}: ${users} users, ${posts} posts`);
      // Only the totals are compared here; no app reads these posts.
      const timings = await seedDatabase(url, { users, posts, method, renderVersion: 0, log: console.log });
      console.log(`${method}: total ${timings.total} ms`);
    } finally {
      await dropDatabase(serverUrl, name);
    }
  }
}
