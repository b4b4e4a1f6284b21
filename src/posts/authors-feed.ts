import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../platform/database/database.js';
import type { Prepare } from '../platform/database/prepared.js';
import type { PageWindow } from '../platform/paging.js';
import { authorColumns, joinAuthor } from '../users/authors.js';
import { feedOrder, listedColumns, published, type PostWithAuthor } from './posts.repository.js';
import { posts } from './posts.table.js';

/**
 * The authors whose posts a feed shows, as rows of another feature's table: `authorId` names the
 * author, `where` picks the rows (a reader's follows, say) and may use the placeholders it names.
 */
export interface AuthorSet {
  table: PgTable;
  authorId: PgColumn;
  where: SQL;
}

const placeholder = sql.placeholder;

/**
 * The newest published posts of a set of authors, newest first: a feed of the people someone follows.
 *
 * For each author of the set, the (user_id, status, date_posted DESC, id DESC) index is walked from the
 * top (or from the cursor) for at most one page of rows, in a LATERAL subquery; the few candidates are
 * merged by one top-N sort and only the page's rows are then read with their authors. The work is
 * authors x page size index entries, whatever the depth of the cursor, the number of posts in the
 * table, or how much each author wrote. An offset page walks `skip + limit` entries per author
 * instead, so deep offsets cost more: pages use the cursor.
 */
export function authorsFeedStatements(db: Database, prepare: Prepare, name: string, authors: AuthorSet) {
  const build = (cursor: boolean) => {
    const candidate = db
      .select({ id: posts.id, datePosted: posts.datePosted })
      .from(posts)
      .where(
        and(
          sql`${posts.userId} = ${authors.authorId}`,
          published(posts),
          cursor
            ? sql`(${posts.datePosted}, ${posts.id}) < (${placeholder('afterDate')}, ${placeholder('afterId')})`
            : undefined,
        ),
      )
      .orderBy(...feedOrder)
      .limit(placeholder('depth'))
      .as('candidate');
    const page = db
      .select({ id: candidate.id, datePosted: candidate.datePosted })
      .from(authors.table)
      .crossJoinLateral(candidate)
      .where(authors.where)
      .orderBy(desc(candidate.datePosted), desc(candidate.id))
      .offset(placeholder('skip'))
      .limit(placeholder('limit'))
      .as('page');
    return prepare(
      `${name}_${cursor ? 'after' : 'offset'}`,
      db
        .select({ post: listedColumns, author: authorColumns })
        .from(page)
        .innerJoin(posts, eq(posts.id, page.id))
        .innerJoin(...joinAuthor(posts.userId))
        .orderBy(...feedOrder),
    );
  };
  return { offset: build(false), after: build(true) };
}

export type AuthorsFeedStatements = ReturnType<typeof authorsFeedStatements>;

/** One page of such a feed; `values` fills the placeholders of the author set's `where`. */
export function readAuthorsFeed(
  statements: AuthorsFeedStatements,
  window: PageWindow,
  values: Record<string, unknown>,
): Promise<PostWithAuthor[]> {
  return window.after
    ? statements.after.execute({
        ...values,
        afterDate: window.after.at,
        afterId: window.after.id,
        depth: window.limit,
        skip: 0,
        limit: window.limit,
      })
    : statements.offset.execute({
        ...values,
        depth: window.skip + window.limit,
        skip: window.skip,
        limit: window.limit,
      });
}
