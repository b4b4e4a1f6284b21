import { sql } from 'drizzle-orm';
import { integer, pgTable, serial, text, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { timestamptz } from '../platform/database/columns.js';
import { shownOnPages } from '../platform/database/derived.js';
import { EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH } from './limits.js';

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    username: varchar('username', { length: USERNAME_MAX_LENGTH }).notNull(),
    /** Stored lower-case. */
    email: varchar('email', { length: EMAIL_MAX_LENGTH }).notNull(),
    /** Argon2id PHC string. */
    passwordHash: text('password_hash').notNull(),
    imageFile: varchar('image_file', { length: 200 }),
    /** Bumped to revoke every token issued before (a password change or reset). */
    tokenVersion: integer('token_version').notNull().default(0),
    /** The user's number of posts, kept by the posts feature's counter (posts.table.ts). */
    postCount: integer('post_count').notNull().default(0),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [
    // Case-insensitive uniqueness, enforced by the database so that racing registrations cannot both win.
    uniqueIndex('users_username_lower_key').on(sql`lower(${table.username})`),
    uniqueIndex('users_email_lower_key').on(sql`lower(${table.email})`),
  ],
);

export type User = typeof users.$inferSelect;

// Pages show names and pictures; a password change or a new post count is not news to them.
export const usersOnPages = shownOnPages(users, {
  on: ['update', 'delete'],
  updateOf: [users.username, users.imageFile],
});
