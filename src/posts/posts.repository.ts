import { and, asc, desc, eq, getTableColumns, inArray, lt, lte, max, or, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Database, DatabaseConnection } from '../platform/database/database.js';
import { prepareStatements, type Prepare } from '../platform/database/prepared.js';
import type { PageWindow } from '../platform/paging.js';
import { authorColumns, joinAuthor, lateralAuthor, type AuthorRow } from '../users/authors.js';
import { postLikes, posts, type PostRow, type PostStatus } from './posts.table.js';
import { postCountNames, type PostCountName, type PostCountValues } from './post-counts.js';

/** A post as lists show it: everything but the rendered HTML, which only its own page needs. */
export type ListedPost = Omit<PostRow, 'contentHtml' | 'renderVersion'>;

export interface PostWithAuthor<Post extends ListedPost = ListedPost> {
  post: Post;
  author: AuthorRow;
}

/** What the service writes: the author's fields and what is made from them. */
export type PostFields = Pick<
  PostRow,
  | 'title'
  | 'content'
  | 'description'
  | 'slug'
  | 'contentHtml'
  | 'excerpt'
  | 'readingMinutes'
  | 'renderVersion'
  | 'status'
  | 'publishAt'
>;

/** What the author writes (the rest is made from it): changing any of these is an edit. */
const AUTHORED = ['title', 'content', 'description', 'status', 'publishAt'] as const;

export type Rendering = Pick<PostRow, 'contentHtml' | 'excerpt' | 'readingMinutes' | 'renderVersion'>;

// Newest first; the id breaks ties between posts of the same millisecond, so pages never overlap.
export const feedOrder = [desc(posts.datePosted), desc(posts.id)];

// The columns of the counts other features keep on a post (post-counts.ts).
const countColumns = Object.fromEntries(postCountNames.map((name) => [name, posts[name]])) as {
  [Name in PostCountName]: (typeof posts)[Name];
};
const placeholder = sql.placeholder;
export const { contentHtml, renderVersion, ...listedColumns } = getTableColumns(posts);

/**
 * Published, written as a constant in the SQL rather than a parameter: the planner then knows a
 * prepared statement matches the partial feed index, whose rows are published posts only.
 */
export const published = (table: { status: AnyPgColumn }) => sql`${table.status} = 'published'`;

const due = and(eq(posts.status, 'scheduled'), lte(posts.publishAt, sql`now()`));

/** A condition on posts, written against a table or its alias. */
type Filter = (table: { userId: AnyPgColumn; status: AnyPgColumn }) => SQL | undefined;

function recentAuthors(db: Database) {
  const recent = db
    .select({ id: posts.id, datePosted: posts.datePosted, userId: posts.userId })
    .from(posts)
    .where(published(posts))
    .orderBy(...feedOrder)
    .limit(placeholder('window'))
    .as('recent');
  return db
    .select({ userId: recent.userId })
    .from(recent)
    .groupBy(recent.userId)
    .orderBy(desc(max(recent.datePosted)), desc(max(recent.id)))
    .limit(placeholder('limit'));
}

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
    const listed = () =>
      db
        .select({ post: listedColumns, author: authorColumns })
        .from(posts)
        .innerJoin(...joinAuthor(posts.userId))
        .$dynamic();
    const afterCursor = sql`(${posts.datePosted}, ${posts.id}) < (${placeholder('afterDate')}, ${placeholder('afterId')})`;
    // An offset page starts at the `skip`-th post, found by walking the feed index alone (the index
    // holds date and id: an index-only scan), and only then reads the page's rows and authors. A plain
    // OFFSET would read every skipped row and its author: seconds at a depth of 900,000.
    const skipped = alias(posts, 'skipped');
    const byIdAuthor = lateralAuthor(db, posts.userId);
    const startOfPage = (filter: Filter) =>
      sql`(${posts.datePosted}, ${posts.id}) <= (${db
        .select({ datePosted: skipped.datePosted, id: skipped.id })
        .from(skipped)
        .where(filter(skipped))
        .orderBy(desc(skipped.datePosted), desc(skipped.id))
        .offset(placeholder('skip'))
        .limit(1)})`;
    const pages = (name: string, filter: Filter) => ({
      offset: prepare(
        `${name}_offset`,
        listed()
          .where(and(filter(posts), startOfPage(filter)))
          .orderBy(...feedOrder)
          .limit(placeholder('limit')),
      ),
      after: prepare(
        `${name}_after`,
        listed()
          .where(and(filter(posts), afterCursor))
          .orderBy(...feedOrder)
          .limit(placeholder('limit')),
      ),
    });
    return {
      feed: pages('feed', published),
      // One author's posts of one status: their page shows the published ones, they see the others.
      byAuthor: pages('author_feed', (table) =>
        and(eq(table.userId, placeholder('userId')), eq(table.status, placeholder('status'))),
      ),
      // What other features need of a post (comments, with every page of them): its author and counts.
      publishedSummary: prepare(
        'published_post_summary',
        db
          .select({ userId: posts.userId, ...countColumns })
          .from(posts)
          .where(and(eq(posts.id, placeholder('id')), published(posts))),
      ),
      // The authors of the newest published posts, each once, by their newest post: a walk of the feed
      // index for a bounded window of posts (whatever the size of the table), grouped by author.
      recentAuthors: prepare('recent_authors', recentAuthors(db)),
      // Posts another feature found (a tag's page, a search's): a primary-key probe per id and per
      // author, planned once.
      publishedByIds: prepare(
        'published_posts_by_ids',
        db
          .select({ post: listedColumns, author: byIdAuthor.columns })
          .from(posts)
          .crossJoinLateral(byIdAuthor.author)
          .where(and(sql`${posts.id} = ANY(${placeholder('ids')}::int[])`, published(posts))),
      ),
      byId: prepare(
        'post_by_id',
        db
          .select({ post: posts, author: authorColumns })
          .from(posts)
          .innerJoin(...joinAuthor(posts.userId))
          .where(eq(posts.id, placeholder('id'))),
      ),
    };
  }

  /** One page of the published feed, newest first. */
  feed(window: PageWindow): Promise<PostWithAuthor[]> {
    return this.pageOf(this.statements.read.feed, window, {});
  }

  /** One page of an author's posts of one status, newest first. */
  byAuthor(window: PageWindow, userId: number, status: PostStatus): Promise<PostWithAuthor[]> {
    return this.pageOf(this.statements.read.byAuthor, window, { userId, status });
  }

  private pageOf(
    statements: ReturnType<PostsRepository['build']>['feed'],
    window: PageWindow,
    values: Record<string, unknown>,
  ): Promise<PostWithAuthor[]> {
    return window.after
      ? statements.after.execute({
          ...values,
          afterDate: window.after.at,
          afterId: window.after.id,
          limit: window.limit,
        })
      : statements.offset.execute({ ...values, skip: window.skip, limit: window.limit });
  }

  /**
   * These posts, if published, in the order of `ids` (a page another feature found: a tag's, a
   * search's). Read by primary key.
   */
  async publishedByIds(ids: number[]): Promise<PostWithAuthor[]> {
    if (ids.length === 0) return [];
    const rows = await this.statements.read.publishedByIds.execute({ ids });
    const byId = new Map(rows.map((row) => [row.post.id, row]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** The post whatever its status, with its rendered HTML. */
  async findById(id: number): Promise<PostWithAuthor<PostRow> | undefined> {
    const [row] = await this.statements.read.byId.execute({ id });
    return row;
  }

  /** A published post's author and kept counts; undefined for a draft or no post. */
  async publishedSummary(id: number): Promise<(Pick<PostRow, 'userId'> & PostCountValues) | undefined> {
    const [row] = await this.statements.read.publishedSummary.execute({ id });
    return row;
  }

  /** The post as it is now (read on the primary), for the rules of a write. */
  async findForWrite(id: number): Promise<PostRow | undefined> {
    const [row] = await this.db.select().from(posts).where(eq(posts.id, id));
    return row;
  }

  /** How many posts of this status the author has. */
  async countByAuthor(userId: number, status: PostStatus): Promise<number> {
    return this.db.$count(posts, and(eq(posts.userId, userId), eq(posts.status, status)));
  }

  async insert(userId: number, fields: PostFields): Promise<PostRow> {
    const [post] = await this.db
      .insert(posts)
      .values({ ...fields, userId })
      .returning();
    if (!post) throw new Error('insert returned no row');
    return post;
  }

  /**
   * Changes the post if it is the user's; undefined when there is no such post of theirs. A post that
   * becomes published now is dated now: the feed shows it as new. `updated_at` becomes now when one
   * of the author's fields changes (compared in the statement with the row it replaces) or when
   * `tagsChanged`; a save that changes nothing keeps it. Publishing sets both to the same now().
   */
  async updateOwn(
    userId: number,
    id: number,
    changes: Partial<PostFields>,
    { tagsChanged = false } = {},
  ): Promise<PostRow | undefined> {
    const datePosted =
      changes.status === 'published'
        ? sql`CASE WHEN ${posts.status} = 'published' THEN ${posts.datePosted} ELSE now() END`
        : undefined;
    const edited = or(
      ...(tagsChanged ? [sql`true`] : []),
      ...AUTHORED.filter((field) => changes[field] !== undefined).map(
        (field) => sql`${posts[field]} IS DISTINCT FROM ${sql.param(changes[field], posts[field])}`,
      ),
    );
    const updatedAt = edited ? sql`CASE WHEN ${edited} THEN now() ELSE ${posts.updatedAt} END` : undefined;
    const [post] = await this.db
      .update(posts)
      .set({ ...changes, ...(datePosted && { datePosted }), ...(updatedAt && { updatedAt }) })
      .where(and(eq(posts.id, id), eq(posts.userId, userId)))
      .returning();
    return post;
  }

  /** Publishes the scheduled posts whose time has come, dated (and updated) now; answers their ids. */
  async publishDue(): Promise<number[]> {
    const published = await this.db
      .update(posts)
      .set({ status: 'published', datePosted: sql`now()`, updatedAt: sql`now()`, publishAt: null })
      .where(due)
      .returning({ id: posts.id });
    return published.map((post) => post.id);
  }

  async hasDuePosts(): Promise<boolean> {
    return (await this.db.select({ id: posts.id }).from(posts).where(due).limit(1)).length > 0;
  }

  async hasStaleRenders(version: number): Promise<boolean> {
    const [row] = await this.db
      .select({ id: posts.id })
      .from(posts)
      .where(lt(posts.renderVersion, version))
      .limit(1);
    return row !== undefined;
  }

  /** Posts rendered by a renderer older than `version`, the oldest first. */
  staleRenders(version: number, limit: number): Promise<Pick<PostRow, 'id' | 'content' | 'description'>[]> {
    return this.db
      .select({ id: posts.id, content: posts.content, description: posts.description })
      .from(posts)
      .where(lt(posts.renderVersion, version))
      .orderBy(asc(posts.id))
      .limit(limit);
  }

  /**
   * Stores a new rendering, unless the post changed (or was rendered again) since it was read: the
   * post's title and description as stored then, or undefined when nothing was stored.
   */
  async saveRendering(
    id: number,
    content: string,
    rendering: Rendering,
  ): Promise<Pick<PostRow, 'title' | 'description'> | undefined> {
    const [saved] = await this.db
      .update(posts)
      .set({
        contentHtml: rendering.contentHtml,
        excerpt: rendering.excerpt,
        readingMinutes: rendering.readingMinutes,
        renderVersion: rendering.renderVersion,
      })
      .where(
        and(eq(posts.id, id), eq(posts.content, content), lt(posts.renderVersion, rendering.renderVersion)),
      )
      .returning({ title: posts.title, description: posts.description });
    return saved;
  }

  /** Deletes the post if it is the user's; false when there is no such post of theirs. */
  async deleteOwn(userId: number, id: number): Promise<boolean> {
    const [deleted] = await this.db
      .delete(posts)
      .where(and(eq(posts.id, id), eq(posts.userId, userId)))
      .returning({ id: posts.id });
    return deleted !== undefined;
  }

  /** Deletes the post whoever wrote it (a moderator's removal); `db` joins the caller's transaction. */
  async deleteById(id: number, db: Database = this.db): Promise<boolean> {
    const [deleted] = await db.delete(posts).where(eq(posts.id, id)).returning({ id: posts.id });
    return deleted !== undefined;
  }

  /** Adds the user's like (once), if the post is published. */
  async like(userId: number, postId: number): Promise<void> {
    await this.db
      .insert(postLikes)
      .select(
        this.db
          .select({ postId: posts.id, userId: sql<number>`${userId}::integer`.as('user_id') })
          .from(posts)
          .where(and(eq(posts.id, postId), published(posts))),
      )
      .onConflictDoNothing();
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

  /** Which of these posts the user likes. */
  async likedAmong(userId: number, postIds: number[]): Promise<Set<number>> {
    if (postIds.length === 0) return new Set();
    const rows = await this.db
      .select({ postId: postLikes.postId })
      .from(postLikes)
      .where(and(eq(postLikes.userId, userId), inArray(postLikes.postId, postIds)));
    return new Set(rows.map((row) => row.postId));
  }

  /** One page of the published posts a user likes, newest post first (through `post_likes_user_idx`). */
  likedPosts(userId: number, window: PageWindow): Promise<PostWithAuthor[]> {
    return this.db
      .select({ post: listedColumns, author: authorColumns })
      .from(postLikes)
      .innerJoin(posts, eq(posts.id, postLikes.postId))
      .innerJoin(...joinAuthor(posts.userId))
      .where(
        and(
          eq(postLikes.userId, userId),
          published(posts),
          window.after
            ? sql`(${posts.datePosted}, ${posts.id}) < (${window.after.at}, ${window.after.id})`
            : undefined,
        ),
      )
      .orderBy(...feedOrder)
      .offset(window.skip ?? 0)
      .limit(window.limit);
  }

  /** How many published posts the user likes. */
  async likedPostsCount(userId: number): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::integer` })
      .from(postLikes)
      .innerJoin(posts, eq(posts.id, postLikes.postId))
      .where(and(eq(postLikes.userId, userId), published(posts)));
    return row?.count ?? 0;
  }

  /** A published post's number of likes, or undefined when there is no such published post. */
  async likeCount(postId: number): Promise<number | undefined> {
    const [row] = await this.db
      .select({ likes: posts.likes })
      .from(posts)
      .where(and(eq(posts.id, postId), published(posts)));
    return row?.likes;
  }

  /**
   * The authors of the newest `window` published posts, newest first by their newest post, each once:
   * at most `limit` of them.
   */
  async recentAuthors(window: number, limit: number): Promise<number[]> {
    const rows = await this.statements.read.recentAuthors.execute({ window, limit });
    return rows.map((row) => row.userId);
  }

  /** The newest published posts' addresses and dates, for the sitemap. */
  newest(limit: number): Promise<Pick<PostRow, 'id' | 'slug' | 'datePosted' | 'updatedAt'>[]> {
    return this.db
      .select({ id: posts.id, slug: posts.slug, datePosted: posts.datePosted, updatedAt: posts.updatedAt })
      .from(posts)
      .where(published(posts))
      .orderBy(...feedOrder)
      .limit(limit);
  }
}
