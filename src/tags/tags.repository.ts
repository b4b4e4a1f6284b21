import { and, asc, desc, eq, gt, inArray, like, sql } from 'drizzle-orm';
import type { Database, DatabaseConnection } from '../platform/database/database.js';
import { prepareStatements, type Prepare } from '../platform/database/prepared.js';
import type { PageWindow, Position } from '../platform/paging.js';
import { postTags, tags } from './tags.table.js';

const placeholder = sql.placeholder;

export interface TagCount {
  name: string;
  posts: number;
}

/** The only code that reads or writes `tags` and `post_tags`. */
export class TagsRepository {
  /** The hot reads, prepared once; the plan tests explain these. */
  readonly statements;
  private readonly db: Database;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
    this.statements = prepareStatements(connection, (db, prepare) => this.build(db, prepare));
  }

  private build(db: Database, prepare: Prepare) {
    // Published, as a constant in the SQL: the planner then matches the partial feed index.
    const tagged = and(
      eq(
        postTags.tagId,
        db
          .select({ id: tags.id })
          .from(tags)
          .where(eq(tags.name, placeholder('name'))),
      ),
      sql`${postTags.status} = 'published'`,
    );
    const feedOrder = [desc(postTags.datePosted), desc(postTags.postId)];
    const positions = () =>
      db.select({ at: postTags.datePosted, id: postTags.postId }).from(postTags).$dynamic();
    return {
      // A tag's feed: positions only, read from the feed index alone (an index-only scan).
      feedOffset: prepare(
        'tag_feed_offset',
        positions()
          .where(tagged)
          .orderBy(...feedOrder)
          .offset(placeholder('skip'))
          .limit(placeholder('limit')),
      ),
      feedAfter: prepare(
        'tag_feed_after',
        positions()
          .where(
            and(
              tagged,
              sql`(${postTags.datePosted}, ${postTags.postId}) < (${placeholder('afterDate')}, ${placeholder('afterId')})`,
            ),
          )
          .orderBy(...feedOrder)
          .limit(placeholder('limit')),
      ),
      count: prepare(
        'tag_count',
        db
          .select({ posts: tags.posts })
          .from(tags)
          .where(eq(tags.name, placeholder('name'))),
      ),
      // The tags of a page of posts, in their order on each post: one probe of the links' primary key
      // per post and of the tags' per link (a page has a few; a join would hash every tag), planned once.
      ofPosts: prepare(
        'tags_of_posts',
        db
          .select({
            postId: postTags.postId,
            name: sql<string>`(${db.select({ name: tags.name }).from(tags).where(eq(tags.id, postTags.tagId))})`,
          })
          .from(postTags)
          .where(sql`${postTags.postId} = ANY(${placeholder('postIds')}::int[])`)
          .orderBy(asc(postTags.postId), asc(postTags.position)),
      ),
      // Most used first: a walk of the popular index.
      popular: prepare(
        'tags_popular',
        db
          .select({ name: tags.name, posts: tags.posts })
          .from(tags)
          .where(gt(tags.posts, 0))
          .orderBy(desc(tags.posts), asc(tags.name))
          .limit(placeholder('limit')),
      ),
      // Those that start with a prefix (the editor's suggestions), most used first.
      withPrefix: prepare(
        'tags_with_prefix',
        db
          .select({ name: tags.name, posts: tags.posts })
          .from(tags)
          .where(and(like(tags.name, placeholder('pattern')), gt(tags.posts, 0)))
          .orderBy(desc(tags.posts), asc(tags.name))
          .limit(placeholder('limit')),
      ),
    };
  }

  /** Positions of one page of a tag's published posts, newest first. */
  async feed(name: string, window: PageWindow): Promise<Position[]> {
    const read = this.statements.read;
    return window.after
      ? read.feedAfter.execute({
          name,
          afterDate: window.after.at,
          afterId: window.after.id,
          limit: window.limit,
        })
      : read.feedOffset.execute({ name, skip: window.skip, limit: window.limit });
  }

  /** How many published posts carry the tag (0 for a tag nobody used). */
  async count(name: string): Promise<number> {
    const [row] = await this.statements.read.count.execute({ name });
    return row?.posts ?? 0;
  }

  /** Tags of published posts, most used first; only those starting with `prefix` when given. */
  list(limit: number, prefix?: string): Promise<TagCount[]> {
    // A normalised prefix holds no `%` or `_`: nothing to escape.
    return prefix
      ? this.statements.read.withPrefix.execute({ pattern: `${prefix}%`, limit })
      : this.statements.read.popular.execute({ limit });
  }

  /** The tags of these posts, each post's in the order its author wrote them. */
  async ofPosts(postIds: number[]): Promise<Map<number, string[]>> {
    const byPost = new Map<number, string[]>();
    if (postIds.length === 0) return byPost;
    const rows = await this.statements.read.ofPosts.execute({ postIds });
    for (const { postId, name } of rows) {
      const list = byPost.get(postId);
      if (list) list.push(name);
      else byPost.set(postId, [name]);
    }
    return byPost;
  }

  /** The post's tags become these (normalised names, in order), in one transaction. */
  async replace(postId: number, names: string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(postTags).where(eq(postTags.postId, postId));
      if (names.length === 0) return;
      await tx
        .insert(tags)
        .values(names.map((name) => ({ name })))
        .onConflictDoNothing();
      const found = await tx
        .select({ id: tags.id, name: tags.name })
        .from(tags)
        .where(inArray(tags.name, names));
      const ids = new Map(found.map((tag) => [tag.name, tag.id]));
      await tx.insert(postTags).values(
        names.map((name, position) => {
          const tagId = ids.get(name);
          if (tagId === undefined) throw new Error(`tag ${name} was not stored`);
          return { postId, tagId, position };
        }),
      );
    });
  }
}
