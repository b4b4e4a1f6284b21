import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  serial,
  text,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';
import { timestamptz } from '../platform/database/columns.js';
import { shownOnPages } from '../platform/database/derived.js';
import { BIO_MAX_LENGTH, EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH } from './limits.js';
import type { Role } from './roles.js';

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
    /** A few words about themselves, shown on their page. */
    bio: varchar('bio', { length: BIO_MAX_LENGTH }),
    role: varchar('role', { length: 10 }).$type<Role>().notNull().default('user'),
    /** A suspended account cannot log in; its tokens were revoked when it was suspended. */
    suspended: boolean('suspended').notNull().default(false),
    /** Bumped to revoke every token issued before (a password change or reset, a suspension). */
    tokenVersion: integer('token_version').notNull().default(0),
    /** The user's number of posts, kept by the posts feature's counter (posts.table.ts). */
    postCount: integer('post_count').notNull().default(0),
    /** How many follow them and how many they follow, kept by the follows feature's counters. */
    followers: integer('followers').notNull().default(0),
    following: integer('following').notNull().default(0),
    /** Grows whenever whom they follow changes (the follows feature's `versioned`): their feed's cache key. */
    followsVersion: integer('follows_version').notNull().default(0),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [
    // Case-insensitive uniqueness, enforced by the database so that racing registrations cannot both win.
    uniqueIndex('users_username_lower_key').on(sql`lower(${table.username})`),
    uniqueIndex('users_email_lower_key').on(sql`lower(${table.email})`),
    check('users_role', sql`${table.role} IN ('user', 'moderator', 'admin')`),
    // Suggestions of whom to follow: the most followed first.
    index('users_followers_idx').on(table.followers.desc(), table.id),
  ],
);

export type User = typeof users.$inferSelect;

// Pages show names, pictures and bios; a password change or a new count is not news to them.
export const usersOnPages = shownOnPages(users, {
  on: ['update', 'delete'],
  updateOf: [users.username, users.imageFile, users.bio],
});
