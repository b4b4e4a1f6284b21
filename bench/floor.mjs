// The floor: the least a Node server can do to answer `GET /api/posts` with the app's JSON. Fastify and
// `pg` only; the same SQL statements the app sends (the page and its total as named prepared statements,
// Drizzle's text copied from the app's, and the page's tags with the ids as one array parameter),
// the same pool size and options, and the same serialization: a response schema compiled by Fastify
// (fast-json-stringify), not JSON.stringify. No logger, hooks, security headers, validation beyond the
// query's numbers, or ORM: whatever the app costs above this is its overhead.
//
// Environment: DATABASE_URL, PORT, HOST (127.0.0.1), DATABASE_POOL_MAX (10, as the app).
import Fastify from 'fastify';
import pg from 'pg';

const DEFAULT_AVATAR = '/static/profile_pics/default.jpg';
const MEDIA_PREFIX = '/media/profile_pics/'; // the app's local-disk storage URL (no S3 in the benchmark)

const COLUMNS =
  'select "posts"."id", "posts"."title", "posts"."content", "posts"."user_id", "posts"."date_posted", ' +
  '"posts"."updated_at", "posts"."likes", "posts"."comments", "posts"."status", "posts"."publish_at", ' +
  '"posts"."description", "posts"."slug", "posts"."excerpt", "posts"."reading_minutes", "users"."id" as "author_id", ' +
  '"users"."username", "users"."image_file", "users"."bio" ' +
  'from "posts" inner join "users" on "users"."id" = "posts"."user_id"';
const ORDER = ' order by "posts"."date_posted" desc, "posts"."id" desc';
// The app's offset page: the page's first post found by an index-only walk, then the page read from it.
const PAGE_OFFSET_SQL =
  `${COLUMNS} where ("posts"."status" = 'published' and ("posts"."date_posted", "posts"."id") <= ((select "date_posted", "id" from "posts" "skipped"` +
  ` where "skipped"."status" = 'published' order by "skipped"."date_posted" desc, "skipped"."id" desc limit 1 offset $2)))${ORDER} limit $1`;
const CURSOR_SQL = `${COLUMNS} where ("posts"."status" = 'published' and ("posts"."date_posted", "posts"."id") < ($1, $2))${ORDER} limit $3`;
// The page's tags, as the app reads them: a named statement with the page's ids as an array.
const TAGS_SQL =
  'select "post_tags"."post_id", (select "name" from "tags" where "tags"."id" = "post_tags"."tag_id") ' +
  'from "post_tags" where "post_tags"."post_id" = ANY($1::int[]) ' +
  'order by "post_tags"."post_id" asc, "post_tags"."position" asc';
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
    bio: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
  required: ['id', 'username', 'image_file', 'image_path', 'bio'],
};

const Post = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    title: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    content: { type: 'string' },
    user_id: { type: 'integer' },
    date_posted: { type: 'string' },
    updated_at: { type: 'string' },
    likes: { type: 'integer' },
    comments: { type: 'integer' },
    author: UserPublic,
    slug: { type: 'string' },
    description: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    excerpt: { type: 'string' },
    status: { type: 'string' },
    publish_at: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    reading_minutes: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: [
    'id',
    'title',
    'content',
    'user_id',
    'date_posted',
    'updated_at',
    'likes',
    'comments',
    'author',
    'slug',
    'description',
    'excerpt',
    'status',
    'publish_at',
    'reading_minutes',
    'tags',
  ],
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
    const tags = new Map(shown.map((row) => [row.id, []]));
    if (shown.length > 0) {
      const tagged = await pool.query({
        name: 'tags_of_posts',
        text: TAGS_SQL,
        values: [shown.map((row) => row.id)],
      });
      for (const { post_id: postId, name } of tagged.rows) tags.get(postId).push(name);
    }
    return {
      posts: shown.map((row) => ({
        id: row.id,
        title: row.title,
        content: row.content,
        user_id: row.user_id,
        date_posted: row.date_posted.toISOString(),
        updated_at: row.updated_at.toISOString(),
        likes: row.likes,
        comments: row.comments,
        author: {
          id: row.author_id,
          username: row.username,
          image_file: row.image_file,
          image_path: row.image_file === null ? DEFAULT_AVATAR : MEDIA_PREFIX + row.image_file,
          bio: row.bio,
        },
        slug: row.slug,
        description: row.description,
        excerpt: row.excerpt,
        status: row.status,
        publish_at: row.publish_at === null ? null : row.publish_at.toISOString(),
        reading_minutes: row.reading_minutes,
        tags: tags.get(row.id),
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
