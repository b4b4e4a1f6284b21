import { index, integer, pgTable, primaryKey, serial, text, varchar } from 'drizzle-orm/pg-core';
import { timestamptz } from '../platform/database/columns.js';
import { counted, shownOnPages } from '../platform/database/derived.js';
import { users } from '../users/users.table.js';
import { TITLE_MAX_LENGTH } from './limits.js';

export const posts = pgTable(
  'posts',
  {
    id: serial('id').primaryKey(),
    title: varchar('title', { length: TITLE_MAX_LENGTH }),
    content: text('content').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    datePosted: timestamptz('date_posted').notNull().defaultNow(),
    /** Kept by the counter below. */
    likes: integer('likes').notNull().default(0),
    /** Kept by the comments feature's counter (comments.table.ts). */
    comments: integer('comments').notNull().default(0),
  },
  (table) => [
    // Feeds are ordered newest first, the id breaking ties; both orders are walked from these indexes.
    index('posts_feed_idx').on(table.datePosted.desc().nullsFirst(), table.id.desc().nullsFirst()),
    index('posts_user_feed_idx').on(
      table.userId,
      table.datePosted.desc().nullsFirst(),
      table.id.desc().nullsFirst(),
    ),
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

export const postsOnPages = shownOnPages(posts);
export const postsTotal = counted({ rows: posts, total: 'posts' });
export const postsPerUser = counted({ rows: posts, into: users.postCount, by: posts.userId });
export const likesPerPost = counted({ rows: postLikes, into: posts.likes, by: postLikes.postId });
