// EXPLAIN (ANALYZE, BUFFERS) of the app's hot statements on the seeded database. The statements are the
// repositories' own prepared statements, taken from the built app (dist/), with their placeholders filled
// in: what is explained here is what the app sends, as the plan tests do on a small database.
import { fillPlaceholders } from 'drizzle-orm';
import pg from 'pg';
import { ROOT } from './lib.mjs';

const dist = (file) => import(new URL(`dist/${file}`, `file://${ROOT}`).href);

/** name -> [statement, values]. */
async function hotStatements(connection, values) {
  const [{ PostsRepository }, { CommentsRepository }, { UsersRepository }, { Counters }] = await Promise.all([
    dist('posts/posts.repository.js'),
    dist('comments/comments.repository.js'),
    dist('users/users.repository.js'),
    dist('platform/database/counters.js'),
  ]);
  const posts = new PostsRepository(connection).statements.primary;
  const comments = new CommentsRepository(connection).statements.primary;
  const users = new UsersRepository(connection).statements;
  const counters = new Counters(connection).statements.primary;
  const { cursor, author, authorCursor, postId, email, depth, hotPost, hotCursor } = values;
  const list = {
    'feed page 1': [posts.feed.offset, { skip: 0, limit: 10 }],
    [`feed cursor (depth ${depth.toLocaleString('en')})`]: [
      posts.feed.after,
      { afterDate: cursor.datePosted, afterId: cursor.id, limit: 11 },
    ],
    [`feed skip ${depth.toLocaleString('en')} (offset: index-only walk to the page)`]: [
      posts.feed.offset,
      { skip: depth, limit: 10 },
    ],
    'feed total (counters)': [counters.byName, { name: 'posts' }],
    'content version (counters)': [counters.byName, { name: 'content_version' }],
    'post by id': [posts.byId, { id: postId }],
    'user page 1': [posts.byAuthor.offset, { userId: author, status: 'published', skip: 0, limit: 10 }],
    'user page cursor': [
      posts.byAuthor.after,
      {
        userId: author,
        status: 'published',
        afterDate: authorCursor.datePosted,
        afterId: authorCursor.id,
        limit: 11,
      },
    ],
    'user post_count': [users.postCount, { id: author }],
    'user by id (authentication)': [users.byId, { id: author }],
    'user by lower(email) (login)': [users.byEmail, { email }],
    'users list': [users.list, { skip: 0, limit: 100 }],
  };
  if (hotPost) {
    list['comments page 1 (hot thread)'] = [comments.offset, { postId: hotPost, skip: 0, limit: 20 }];
    list['comments cursor (deep in the hot thread)'] = [
      comments.after,
      { postId: hotPost, afterDate: hotCursor.createdAt, afterId: hotCursor.id, limit: 21 },
    ];
  }
  return list;
}

function walk(node, visit) {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/**
 * Runs EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) of each statement (without per-node timing,
 * whose overhead would swamp the deep walks); summarizes the nodes and the execution time.
 */
export async function explainHotQueries(url, params) {
  const [{ openDatabase }, { plannerOptions }] = await Promise.all([
    dist('platform/database/database.js'),
    dist('platform/database/planner.js'),
  ]);
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  const connection = await openDatabase(
    {
      kind: 'postgres',
      url,
      poolMax: 1,
      migrateOnStart: false,
      replicaUrls: [],
      namedStatements: true,
      startupOptions: plannerOptions,
    },
    quiet,
  );
  // Explained with the app's own planner settings, as its sessions plan them.
  const client = new pg.Client({ connectionString: url, options: plannerOptions });
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
    const thread = await client.query(
      `SELECT post_id, count(*)::int AS n FROM comments GROUP BY post_id ORDER BY n DESC LIMIT 1`,
    );
    const hotPost = thread.rows[0]?.post_id;
    const hotDeep = hotPost
      ? await client.query(
          'SELECT created_at, id FROM comments WHERE post_id = $1 ORDER BY created_at, id OFFSET $2 LIMIT 1',
          [hotPost, Math.floor(thread.rows[0].n * 0.9)],
        )
      : undefined;
    const statements = await hotStatements(connection, {
      cursor: params.cursor,
      depth: params.depth,
      author,
      authorCursor: { datePosted: deep.rows[0].date_posted, id: deep.rows[0].id },
      postId: Math.ceil(rows[0].max_id / 2),
      email: 'User4242@Example.com',
      hotPost,
      hotCursor: hotDeep && { createdAt: hotDeep.rows[0].created_at, id: hotDeep.rows[0].id },
    });
    const plans = {};
    for (const [name, [statement, values]] of Object.entries(statements)) {
      const { sql: text, params: placeholders } = statement.getQuery();
      const args = fillPlaceholders(placeholders, values);
      // Once to warm the cache as a running app would have it, then the median of five EXPLAINs.
      await client.query(text, args);
      const times = [];
      let plan;
      let planningMs;
      for (let i = 0; i < 5; i += 1) {
        const result = await client.query(
          `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) ${text}`,
          args,
        );
        const [document] = result.rows[0]['QUERY PLAN'];
        ({ Plan: plan, 'Planning Time': planningMs } = document);
        times.push(document['Execution Time']);
      }
      const executionMs = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
      const nodes = [];
      walk(plan, (node) =>
        nodes.push(
          node['Relation Name']
            ? `${node['Node Type']} on ${node['Relation Name']}${node['Index Name'] ? ` (${node['Index Name']})` : ''}`
            : node['Node Type'],
        ),
      );
      const seqScans = nodes.filter((node) => /^Seq Scan on (posts|users|comments)/.test(node));
      plans[name] = {
        nodes,
        // No sequential scan of posts, users or comments. (The one-row `counters` table may be read either way.)
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
    await connection.close();
  }
}
