import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, serial, text } from 'drizzle-orm/pg-core';
import { timestamptz } from '../platform/database/columns.js';
import { counted, shownOnPages } from '../platform/database/derived.js';
import { posts } from '../posts/posts.table.js';
import { users } from '../users/users.table.js';
import { COMMENT_MAX_LENGTH } from './limits.js';

export const comments = pgTable(
  'comments',
  {
    id: serial('id').primaryKey(),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    content: text('content').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (table) => [
    // A post's comments are read oldest first, the id breaking ties: the cursor walks this index.
    index('comments_post_idx').on(table.postId, table.createdAt, table.id),
    // A user's deletion cascades to their comments.
    index('comments_user_idx').on(table.userId),
    check(
      'comments_content_length',
      sql`char_length(${table.content}) BETWEEN 1 AND ${sql.raw(String(COMMENT_MAX_LENGTH))}`,
    ),
  ],
);

export type CommentRow = typeof comments.$inferSelect;

export const commentsOnPages = shownOnPages(comments);
export const commentsPerPost = counted({ rows: comments, into: posts.comments, by: comments.postId });
