import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, serial, text, varchar } from 'drizzle-orm/pg-core';
import { timestamptz } from '../platform/database/columns.js';
import { counted, shownOnPages } from '../platform/database/derived.js';
import { users } from '../users/users.table.js';
import { DESCRIPTION_MAX_LENGTH, SLUG_MAX_LENGTH, TITLE_MAX_LENGTH } from './limits.js';

export const POST_STATUSES = ['published', 'draft', 'scheduled'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

/** The condition of a post that readers see, as SQL for the triggers and partial indexes. */
const PUBLISHED = "status = 'published'";

export const posts = pgTable(
  'posts',
  {
    id: serial('id').primaryKey(),
    title: varchar('title', { length: TITLE_MAX_LENGTH }),
    /** Markdown, as the author wrote it. */
    content: text('content').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** When it was published (for a draft: when it was written; it becomes the publication time). */
    datePosted: timestamptz('date_posted').notNull().defaultNow(),
    /**
     * When the author last changed it (its words, tags or status), never before `date_posted`: set with
     * it on publication, not by likes, comments or a renderer upgrade.
     */
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    /** Kept by the counter below. */
    likes: integer('likes').notNull().default(0),
    /** Kept by the comments feature's counter (comments.table.ts); shown as declared in post-counts.ts. */
    comments: integer('comments').notNull().default(0),
    status: varchar('status', { length: 10 }).$type<PostStatus>().notNull().default('published'),
    /** For a scheduled post: when the job queue publishes it. */
    publishAt: timestamptz('publish_at'),
    description: varchar('description', { length: DESCRIPTION_MAX_LENGTH }),
    /** The part of its URL after the id (`/posts/{id}/{slug}`), from the title or the first words. */
    slug: varchar('slug', { length: SLUG_MAX_LENGTH }).notNull().default('post'),
    // Made from `content` when the post is written (markdown.ts), never when it is read.
    contentHtml: text('content_html').notNull().default(''),
    excerpt: text('excerpt').notNull().default(''),
    readingMinutes: integer('reading_minutes').notNull().default(1),
    /** The renderer version that made `content_html`: older ones are rendered again. */
    renderVersion: integer('render_version').notNull().default(0),
  },
  (table) => [
    check('posts_status', sql`${table.status} IN ('published', 'draft', 'scheduled')`),
    // The feed, newest first, the id breaking ties; drafts are not in it, so they do not slow it.
    index('posts_published_feed_idx')
      .on(table.datePosted.desc().nullsFirst(), table.id.desc().nullsFirst())
      .where(sql.raw(PUBLISHED)),
    // An author's posts of one status (their published ones on their page, their drafts for them).
    index('posts_author_status_idx').on(
      table.userId,
      table.status,
      table.datePosted.desc().nullsFirst(),
      table.id.desc().nullsFirst(),
    ),
    // The scheduled posts, by when they are due: few, and found at once.
    index('posts_scheduled_idx').on(table.publishAt).where(sql.raw("status = 'scheduled'")),
    // The posts a renderer upgrade has to make again.
    index('posts_render_version_idx').on(table.renderVersion),
  ],
);

export const postLikes = pgTable(
  'post_likes',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (table) => [
    primaryKey({ columns: [table.postId, table.userId] }),
    index('post_likes_user_idx').on(table.userId),
  ],
);

export type PostRow = typeof posts.$inferSelect;

// Readers see published posts only: a draft's changes neither count nor change a cached page.
export const postsOnPages = shownOnPages(posts, { where: PUBLISHED });
export const postsTotal = counted({ rows: posts, total: 'posts', where: PUBLISHED, changesOnUpdate: true });
export const postsPerUser = counted({
  rows: posts,
  into: users.postCount,
  by: posts.userId,
  where: PUBLISHED,
  changesOnUpdate: true,
});
export const likesPerPost = counted({ rows: postLikes, into: posts.likes, by: postLikes.postId });
