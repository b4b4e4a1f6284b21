import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey } from 'drizzle-orm/pg-core';
import { timestamptz } from '../platform/database/columns.js';
import { counted, versioned } from '../platform/database/derived.js';
import { users } from '../users/users.table.js';

/** Who follows whom: the follower reads the followee's posts in their personal feed. */
export const follows = pgTable(
  'follows',
  {
    followerId: integer('follower_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    followeeId: integer('followee_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [
    // The reader's followed authors, in one range of the key: what the personal feed starts from.
    primaryKey({ columns: [table.followerId, table.followeeId] }),
    // Someone's followers (and the cascade when they are deleted).
    index('follows_followee_idx').on(table.followeeId, table.followerId),
    check('follows_not_self', sql`${table.followerId} <> ${table.followeeId}`),
  ],
);

export const followersPerUser = counted({ rows: follows, into: users.followers, by: follows.followeeId });
export const followingPerUser = counted({ rows: follows, into: users.following, by: follows.followerId });
/** The reader's kept personal feed pages are stale once whom they follow changes (page-cache.ts). */
export const followsVersionPerUser = versioned({
  rows: follows,
  into: users.followsVersion,
  by: follows.followerId,
});
