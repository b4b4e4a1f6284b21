import { sql } from 'drizzle-orm';
import {
  bigint,
  char,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';

// Timestamps keep millisecond precision, the precision of a JavaScript Date, so that a value read back
// and sent again (a pagination cursor) compares equal to the stored one.
const timestamptz = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    username: varchar('username', { length: 50 }).notNull(),
    email: varchar('email', { length: 120 }).notNull(),
    passwordHash: text('password_hash').notNull(),
    imageFile: varchar('image_file', { length: 200 }),
    tokenVersion: integer('token_version').notNull().default(0),
    /** Kept by a trigger on `posts`, so a user's page can show its total without counting. */
    postCount: integer('post_count').notNull().default(0),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('users_username_lower_key').on(sql`lower(${table.username})`),
    uniqueIndex('users_email_lower_key').on(sql`lower(${table.email})`),
  ],
);

export const posts = pgTable(
  'posts',
  {
    id: serial('id').primaryKey(),
    title: varchar('title', { length: 100 }),
    content: text('content').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    datePosted: timestamptz('date_posted').notNull().defaultNow(),
    /** Kept by a trigger on `post_likes`. */
    likes: integer('likes').notNull().default(0),
  },
  (table) => [
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

export const passwordResetTokens = pgTable(
  'password_reset_tokens',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** SHA-256 (hex) of the token sent by mail; the token itself is never stored. */
    tokenHash: char('token_hash', { length: 64 }).notNull().unique(),
    expiresAt: timestamptz('expires_at').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [index('password_reset_tokens_user_idx').on(table.userId)],
);

/** Row counts kept by triggers in the same transaction as the change, so totals never need a table scan. */
export const counters = pgTable('counters', {
  name: text('name').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull().default(0),
});

/**
 * Work to do after a request has been answered, such as sending a reset mail. Durable: a row stays until
 * its work is done, so a restart loses nothing; several instances share it by leasing rows.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    runAt: timestamptz('run_at').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [index('jobs_run_at_idx').on(table.runAt)],
);

export type User = typeof users.$inferSelect;
export type Post = typeof posts.$inferSelect;
