// EXPLAIN (ANALYZE, BUFFERS) of the app's hot queries on the seeded database. The SQL is the text the
// app sends (Drizzle's SQL of the prepared queries in src/posts/posts.service.ts and of the queries in
// src/users/users.service.ts), with the parameters inlined as typed placeholders.
import pg from 'pg';

const POST_COLUMNS =
  'select "posts"."id", "posts"."title", "posts"."content", "posts"."user_id", "posts"."date_posted", ' +
  '"posts"."likes", "users"."id", "users"."username", "users"."image_file" ' +
  'from "posts" inner join "users" on "users"."id" = "posts"."user_id"';
const FEED_ORDER = 'order by "posts"."date_posted" desc, "posts"."id" desc';
const USER_COLUMNS =
  'select "id", "username", "email", "password_hash", "image_file", "token_version", "post_count", "created_at" from "users"';

/** name -> [sql, params]; `cursor` is `{ datePosted, id }`, `author` a user with many posts. */
export function hotQueries({ cursor, author, authorCursor, postId, email }) {
  return {
    'feed page 1': [`${POST_COLUMNS} ${FEED_ORDER} limit $1 offset $2`, [10, 0]],
    'feed cursor (depth 900,000)': [
      `${POST_COLUMNS} where ("posts"."date_posted", "posts"."id") < ($1, $2) ${FEED_ORDER} limit $3`,
      [cursor.datePosted, cursor.id, 11],
    ],
    'feed skip 900,000 (offset: reads every row it skips)': [
      `${POST_COLUMNS} ${FEED_ORDER} limit $1 offset $2`,
      [10, 900_000],
    ],
    'feed total (counters)': ['select "value" from "counters" where "counters"."name" = $1', ['posts']],
    'post by id': [`${POST_COLUMNS} where "posts"."id" = $1`, [postId]],
    'user page 1': [
      `${POST_COLUMNS} where "posts"."user_id" = $1 ${FEED_ORDER} limit $2 offset $3`,
      [author, 10, 0],
    ],
    'user page cursor': [
      `${POST_COLUMNS} where ("posts"."user_id" = $1 and ("posts"."date_posted", "posts"."id") < ($2, $3)) ${FEED_ORDER} limit $4`,
      [author, authorCursor.datePosted, authorCursor.id, 11],
    ],
    'user post_count': ['select "post_count" from "users" where "users"."id" = $1', [author]],
    'user by id (authentication)': [`${USER_COLUMNS} where "users"."id" = $1`, [author]],
    'user by lower(email) (login)': [`${USER_COLUMNS} where lower("users"."email") = lower($1)`, [email]],
    'users list': [`${USER_COLUMNS} order by "users"."id" limit $1`, [100]],
  };
}

function walk(node, visit) {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/**
 * Runs EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) of each query (without per-node timing, whose
 * overhead would swamp the deep offset); summarizes the nodes and the execution time.
 */
export async function explainHotQueries(url, params) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT author, n, (SELECT max(id) FROM posts) AS max_id
       FROM (SELECT user_id AS author, count(*)::int AS n FROM posts
             GROUP BY user_id ORDER BY n DESC LIMIT 1) AS top`,
    );
    const author = rows[0].author;
    const deep = await client.query(
      `SELECT date_posted, id FROM posts WHERE user_id = $1
       ORDER BY date_posted DESC, id DESC OFFSET $2 LIMIT 1`,
      [author, Math.min(100, Math.floor(rows[0].n / 2))],
    );
    const queries = hotQueries({
      cursor: params.cursor,
      author,
      authorCursor: { datePosted: deep.rows[0].date_posted, id: deep.rows[0].id },
      postId: Math.ceil(rows[0].max_id / 2),
      email: 'User4242@Example.com',
    });
    const plans = {};
    for (const [name, [text, values]] of Object.entries(queries)) {
      // Once to warm the cache as a running app would have it, then the measured EXPLAINs: the median
      // of five (one for the deep offset, which takes seconds).
      await client.query(text, values);
      const times = [];
      let plan;
      let planningMs;
      for (let i = 0; i < (name.startsWith('feed skip') ? 1 : 5); i += 1) {
        const result = await client.query(
          `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) ${text}`,
          values,
        );
        const [document] = result.rows[0]['QUERY PLAN'];
        ({ Plan: plan, 'Planning Time': planningMs } = document);
        times.push(document['Execution Time']);
      }
      const executionMs = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
      const nodes = [];
      walk(plan, (node) =>
        nodes.push(
          node['Relation Name'] ? `${node['Node Type']} on ${node['Relation Name']}` : node['Node Type'],
        ),
      );
      const seqScans = nodes.filter((node) => /^Seq Scan on (posts|users)$/.test(node));
      plans[name] = {
        nodes,
        // No sequential scan of posts or users. (The one-row `counters` table may be read either way.)
        indexPath: seqScans.length === 0,
        seqScans,
        executionMs: Math.round(executionMs * 1000) / 1000,
        planningMs: Math.round(planningMs * 1000) / 1000,
        sharedBuffers: (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0),
      };
    }
    return plans;
  } finally {
    await client.end();
  }
}
