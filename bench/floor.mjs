// The floor: the least a Node server can do to answer `GET /api/posts` with the app's JSON. Fastify and
// `pg` only; the same two SQL statements the app sends (Drizzle's text, copied from its prepared
// queries), as named prepared statements like the app's, the same pool size and options, and the same serialization approach as the app: a response schema
// compiled by Fastify (fast-json-stringify), not JSON.stringify. No logger, hooks, security headers,
// validation beyond the query's numbers, or ORM: whatever the app costs above this is its overhead.
//
// Environment: DATABASE_URL, PORT, HOST (127.0.0.1), DATABASE_POOL_MAX (10, as the app).
import Fastify from 'fastify';
import pg from 'pg';

const DEFAULT_AVATAR = '/static/profile_pics/default.jpg';
const MEDIA_PREFIX = '/media/profile_pics/'; // the app's local-disk storage URL (no S3 in the benchmark)

const COLUMNS =
  'select "posts"."id", "posts"."title", "posts"."content", "posts"."user_id", "posts"."date_posted", ' +
  '"posts"."likes", "posts"."comments", "users"."id" as "author_id", "users"."username", "users"."image_file" ' +
  'from "posts" inner join "users" on "users"."id" = "posts"."user_id"';
const ORDER = ' order by "posts"."date_posted" desc, "posts"."id" desc';
// The app's offset page: the page's first post found by an index-only walk, then the page read from it.
const PAGE_OFFSET_SQL =
  `${COLUMNS} where ("posts"."date_posted", "posts"."id") <= ((select "date_posted", "id" from "posts" "skipped"` +
  ` order by "skipped"."date_posted" desc, "skipped"."id" desc limit 1 offset $2))${ORDER} limit $1`;
const CURSOR_SQL = `${COLUMNS} where ("posts"."date_posted", "posts"."id") < ($1, $2)${ORDER} limit $3`;
const TOTAL_SQL = 'select "value" from "counters" where "counters"."name" = $1';

const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)_([1-9]\d{0,9})$/;

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  query_timeout: 30_000,
});

const UserPublic = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    username: { type: 'string' },
    image_file: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    image_path: { type: 'string' },
  },
  required: ['id', 'username', 'image_file', 'image_path'],
};

const Post = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    title: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    content: { type: 'string' },
    user_id: { type: 'integer' },
    date_posted: { type: 'string' },
    likes: { type: 'integer' },
    comments: { type: 'integer' },
    author: UserPublic,
  },
  required: ['id', 'title', 'content', 'user_id', 'date_posted', 'likes', 'comments', 'author'],
};

const PostPage = {
  type: 'object',
  properties: {
    posts: { type: 'array', items: Post },
    total: { type: 'integer' },
    skip: { type: 'integer' },
    limit: { type: 'integer' },
    has_more: { type: 'boolean' },
    next_cursor: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
  required: ['posts', 'total', 'skip', 'limit', 'has_more', 'next_cursor'],
};

const app = Fastify({ logger: false });

app.get('/health', async () => {
  await pool.query('SELECT 1');
  return { status: 'healthy' };
});

app.get(
  '/api/posts',
  {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          skip: { type: 'integer', minimum: 0, default: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
          cursor: { type: 'string', maxLength: 40 },
        },
      },
      response: { 200: PostPage },
    },
  },
  async (request) => {
    const { skip, limit, cursor } = request.query;
    const match = cursor === undefined ? undefined : CURSOR.exec(cursor);
    const rowsQuery = match
      ? pool.query({
          name: 'feed_after',
          text: CURSOR_SQL,
          values: [new Date(match[1]), Number(match[2]), limit + 1],
        })
      : pool.query({ name: 'feed_offset', text: PAGE_OFFSET_SQL, values: [limit, skip] });
    const [{ rows }, counter] = await Promise.all([
      rowsQuery,
      pool.query({ name: 'posts_total', text: TOTAL_SQL, values: ['posts'] }),
    ]);
    const total = Number(counter.rows[0]?.value ?? 0);
    const hasMore = match ? rows.length > limit : skip + rows.length < total;
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return {
      posts: shown.map((row) => ({
        id: row.id,
        title: row.title,
        content: row.content,
        user_id: row.user_id,
        date_posted: row.date_posted.toISOString(),
        likes: row.likes,
        comments: row.comments,
        author: {
          id: row.author_id,
          username: row.username,
          image_file: row.image_file,
          image_path: row.image_file === null ? DEFAULT_AVATAR : MEDIA_PREFIX + row.image_file,
        },
      })),
      total,
      skip: match ? 0 : skip,
      limit,
      has_more: hasMore,
      next_cursor: hasMore && last ? `${last.date_posted.toISOString()}_${last.id}` : null,
    };
  },
);

const close = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.once('SIGTERM', close);
process.once('SIGINT', close);

await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 8001) });
