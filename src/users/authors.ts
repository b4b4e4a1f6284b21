import { eq, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../platform/database/database.js';
import { users, type User } from './users.table.js';

/**
 * The author of a post, a comment, or whatever another feature lists with its writer: the columns its
 * `UserPublic` view needs, and the join that reads them in the same query. The users feature owns the
 * table; other repositories join through this, never through the columns themselves.
 */
export const authorColumns = {
  id: users.id,
  username: users.username,
  imageFile: users.imageFile,
  bio: users.bio,
};

export type AuthorRow = Pick<User, 'id' | 'username' | 'imageFile' | 'bio'>;

/** The arguments of `.innerJoin()` that bring in the author named by `userId`. */
export function joinAuthor(userId: PgColumn) {
  return [users, eq(users.id, userId)] as const;
}

/**
 * The author named by `userId`, as a lateral subquery to cross-join: one primary-key probe per row,
 * planned so whatever the planner guesses of the rows (an array of ids, whose length a prepared
 * statement's plan does not know, would otherwise let it hash the whole users table).
 */
export function lateralAuthor(db: Database, userId: PgColumn) {
  const author = db.select(authorColumns).from(users).where(eq(users.id, userId)).limit(1).as('author');
  return {
    author,
    columns: { id: author.id, username: author.username, imageFile: author.imageFile, bio: author.bio },
  };
}

/**
 * The kept number of published posts of the author named by `userId`, as a scalar subquery: one
 * primary-key probe per row, for totals over several authors (a personal feed's).
 */
export function authorPostCount(userId: PgColumn) {
  return sql<number>`(SELECT ${users.postCount} FROM ${users} WHERE ${users.id} = ${userId})`;
}
