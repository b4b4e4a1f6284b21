import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, DatabaseConnection } from '../platform/database/database.js';
import { prepareStatements } from '../platform/database/prepared.js';
import type { PageWindow } from '../platform/paging.js';
import { authorsFeedStatements, readAuthorsFeed } from '../posts/authors-feed.js';
import type { PostWithAuthor } from '../posts/posts.repository.js';
import { authorPostCount } from '../users/authors.js';
import { follows } from './follows.table.js';

const placeholder = sql.placeholder;

/** The only code that reads or writes `follows`. */
export class FollowsRepository {
  readonly statements;
  private readonly db: Database;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
    this.statements = prepareStatements(connection, (db, prepare) => ({
      // The reader's followed authors are one range of the primary key.
      feed: authorsFeedStatements(db, prepare, 'personal_feed', {
        table: follows,
        authorId: follows.followeeId,
        where: eq(follows.followerId, placeholder('readerId')),
      }),
      // The feed's total: the kept post counts of the followed authors, summed (no post is counted).
      feedTotal: prepare(
        'personal_feed_total',
        db
          .select({ total: sql<number>`coalesce(sum(${authorPostCount(follows.followeeId)}), 0)::int` })
          .from(follows)
          .where(eq(follows.followerId, placeholder('readerId'))),
      ),
      isFollowing: prepare(
        'is_following',
        db
          .select({ followeeId: follows.followeeId })
          .from(follows)
          .where(
            and(
              eq(follows.followerId, placeholder('followerId')),
              eq(follows.followeeId, placeholder('followeeId')),
            ),
          ),
      ),
    }));
  }

  /** Adds the follow once; false when `followeeId` names no user. */
  async follow(followerId: number, followeeId: number): Promise<void> {
    await this.db.insert(follows).values({ followerId, followeeId }).onConflictDoNothing();
  }

  async unfollow(followerId: number, followeeId: number): Promise<void> {
    await this.db
      .delete(follows)
      .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)));
  }

  async isFollowing(followerId: number, followeeId: number): Promise<boolean> {
    const rows = await this.statements.read.isFollowing.execute({ followerId, followeeId });
    return rows.length > 0;
  }

  /** Which of `ids` the follower follows. */
  async followedAmong(followerId: number, ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .select({ id: follows.followeeId })
      .from(follows)
      .where(and(eq(follows.followerId, followerId), inArray(follows.followeeId, ids)));
    return new Set(rows.map((row) => row.id));
  }

  feed(readerId: number, window: PageWindow): Promise<PostWithAuthor[]> {
    return readAuthorsFeed(this.statements.read.feed, window, { readerId });
  }

  async feedTotal(readerId: number): Promise<number> {
    const [row] = await this.statements.read.feedTotal.execute({ readerId });
    return Number(row?.total ?? 0);
  }
}
