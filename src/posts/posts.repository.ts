import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Database, DatabaseConnection } from '../platform/database/database.js';
import { isForeignKeyViolation } from '../platform/database/driver-errors.js';
import { prepareStatements, type Prepare } from '../platform/database/prepared.js';
import type { PageWindow } from '../platform/paging.js';
import { authorColumns, joinAuthor, type AuthorRow } from '../users/authors.js';
import { postLikes, posts, type PostRow } from './posts.table.js';

export interface PostWithAuthor {
  post: PostRow;
  author: AuthorRow;
}

export interface PostFields {
  title: string | null;
  content: string;
}

// Newest first; the id breaks ties between posts of the same millisecond, so pages never overlap.
const feedOrder = [desc(posts.datePosted), desc(posts.id)];
const placeholder = sql.placeholder;

/** A condition on posts, written against a table or its alias. */
type Filter = (table: { userId: AnyPgColumn }) => SQL;

/** The only code that reads or writes `posts` and `post_likes`. */
export class PostsRepository {
  /**
   * The hot reads, prepared once (platform/database/prepared.ts); `read` sends them to a replica when
   * the request may read data a moment old. The plan tests explain these.
   */
  readonly statements;
  private readonly db: Database;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
    this.statements = prepareStatements(connection, (db, prepare) => this.build(db, prepare));
  }

  private build(db: Database, prepare: Prepare) {
    const withAuthors = () =>
      db
        .select({ post: posts, author: authorColumns })
        .from(posts)
        .innerJoin(...joinAuthor(posts.userId))
        .$dynamic();
    const afterCursor = sql`(${posts.datePosted}, ${posts.id}) < (${placeholder('afterDate')}, ${placeholder('afterId')})`;
    // An offset page starts at the `skip`-th post, found by walking the feed index alone (the index
    // holds date and id: an index-only scan), and only then reads the page's rows and authors. A plain
    // OFFSET would read every skipped row and its author: seconds at a depth of 900,000.
    const skipped = alias(posts, 'skipped');
    const startOfPage = (filter?: Filter) =>
      sql`(${posts.datePosted}, ${posts.id}) <= (${db
        .select({ datePosted: skipped.datePosted, id: skipped.id })
        .from(skipped)
        .where(filter?.(skipped))
        .orderBy(desc(skipped.datePosted), desc(skipped.id))
        .offset(placeholder('skip'))
        .limit(1)})`;
    const ofAuthor: Filter = (table) => eq(table.userId, placeholder('userId'));
    const byAuthor = ofAuthor(posts);
    const offsetPage = (name: string, filter?: Filter) =>
      prepare(
        name,
        withAuthors()
          .where(and(filter?.(posts), startOfPage(filter)))
          .orderBy(...feedOrder)
          .limit(placeholder('limit')),
      );
    const pageAfter = (name: string, filter?: SQL) =>
      prepare(
        name,
        withAuthors()
          .where(and(filter, afterCursor))
          .orderBy(...feedOrder)
          .limit(placeholder('limit')),
      );
    return {
      feed: { offset: offsetPage('feed_offset'), after: pageAfter('feed_after') },
      byAuthor: {
        offset: offsetPage('author_feed_offset', ofAuthor),
        after: pageAfter('author_feed_after', byAuthor),
      },
      byId: prepare('post_by_id', withAuthors().where(eq(posts.id, placeholder('id')))),
    };
  }

  /** One page of the feed (`userId` unset) or of one author's posts, newest first. */
  page(window: PageWindow, userId?: number): Promise<PostWithAuthor[]> {
    const statements = userId === undefined ? this.statements.read.feed : this.statements.read.byAuthor;
    return window.after
      ? statements.after.execute({
          userId,
          afterDate: window.after.at,
          afterId: window.after.id,
          limit: window.limit,
        })
      : statements.offset.execute({ userId, skip: window.skip, limit: window.limit });
  }

  async findById(id: number): Promise<PostWithAuthor | undefined> {
    const [row] = await this.statements.read.byId.execute({ id });
    return row;
  }

  async exists(id: number): Promise<boolean> {
    const [row] = await this.db.select({ id: posts.id }).from(posts).where(eq(posts.id, id));
    return row !== undefined;
  }

  async insert(userId: number, fields: PostFields): Promise<PostRow> {
    const [post] = await this.db
      .insert(posts)
      .values({ ...fields, userId })
      .returning();
    if (!post) throw new Error('insert returned no row');
    return post;
  }

  /** Changes the post if it is the user's; undefined when there is no such post of theirs. */
  async updateOwn(userId: number, id: number, changes: Partial<PostFields>): Promise<PostRow | undefined> {
    const own = and(eq(posts.id, id), eq(posts.userId, userId));
    const [post] =
      changes.title === undefined && changes.content === undefined
        ? await this.db.select().from(posts).where(own)
        : await this.db.update(posts).set(changes).where(own).returning();
    return post;
  }

  /** Deletes the post if it is the user's; false when there is no such post of theirs. */
  async deleteOwn(userId: number, id: number): Promise<boolean> {
    const [deleted] = await this.db
      .delete(posts)
      .where(and(eq(posts.id, id), eq(posts.userId, userId)))
      .returning({ id: posts.id });
    return deleted !== undefined;
  }

  /** Adds the user's like (once); false when the post does not exist. */
  async like(userId: number, postId: number): Promise<boolean> {
    try {
      await this.db.insert(postLikes).values({ postId, userId }).onConflictDoNothing();
      return true;
    } catch (error) {
      if (isForeignKeyViolation(error)) return false;
      throw error;
    }
  }

  async unlike(userId: number, postId: number): Promise<void> {
    await this.db.delete(postLikes).where(and(eq(postLikes.postId, postId), eq(postLikes.userId, userId)));
  }

  async likedBy(userId: number, postId: number): Promise<boolean> {
    const [mine] = await this.db
      .select({ postId: postLikes.postId })
      .from(postLikes)
      .where(and(eq(postLikes.postId, postId), eq(postLikes.userId, userId)));
    return mine !== undefined;
  }

  /** The post's number of likes, or undefined when there is no such post. */
  async likeCount(postId: number): Promise<number | undefined> {
    const [row] = await this.db.select({ likes: posts.likes }).from(posts).where(eq(posts.id, postId));
    return row?.likes;
  }

  /** The newest posts' ids and dates, for the sitemap. */
  newest(limit: number): Promise<{ id: number; datePosted: Date }[]> {
    return this.db
      .select({ id: posts.id, datePosted: posts.datePosted })
      .from(posts)
      .orderBy(...feedOrder)
      .limit(limit);
  }
}
