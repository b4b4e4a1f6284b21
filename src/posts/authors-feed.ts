import { and, desc, eq, exists, sql, type SQL } from 'drizzle-orm';
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

/** The most entries of the global feed index that the window form reads before it gives up. */
const MAX_WINDOW = 10_000;
/** How many feed entries the window form reads for each row it must find. */
const WINDOW_PER_ROW = 50;

/**
 * The newest published posts of a set of authors, newest first: a feed of the people someone follows.
 * Two statements answer it, and a page takes the first that can:
 *
 * - **The window**: the global feed index is walked from the top (or from the cursor) for a bounded
 *   number of entries, and each entry's author is looked up in the set (one probe, memoized per author)
 *   until the page is full. When the set's authors wrote a fair share of the recent posts (a reader
 *   following many people, or prolific ones), the page is found within a few hundred entries. What it
 *   returns is exact when it fills the page: the window is a prefix of the feed's order.
 * - **The merge**, when the window did not fill the page (quiet authors, or the feed's last page): for
 *   each author of the set, the (user_id, status, date_posted DESC, id DESC) index is walked from the
 *   top (or from the cursor) for at most one page of rows in a LATERAL subquery, and the candidates are
 *   merged by one top-N sort. Its work is authors x page size index entries, whatever the depth of the
 *   cursor, the size of the table or how much each author wrote.
 *
 * Either way only the page's rows are then read whole, with their authors. An offset page needs
 * `skip + limit` rows from either walk, so deep offsets cost more: pages use the cursor.
 */
export function authorsFeedStatements(db: Database, prepare: Prepare, name: string, authors: AuthorSet) {
  const after = sql`(${posts.datePosted}, ${posts.id}) < (${placeholder('afterDate')}, ${placeholder('afterId')})`;
  const pageRows = (page: ReturnType<typeof mergePage>) =>
    db
      .select({ post: listedColumns, author: authorColumns })
      .from(page)
      .innerJoin(posts, eq(posts.id, page.id))
      .innerJoin(...joinAuthor(posts.userId))
      .orderBy(...feedOrder);

  const mergePage = (cursor: boolean) => {
    const candidate = db
      .select({ id: posts.id, datePosted: posts.datePosted })
      .from(posts)
      .where(and(sql`${posts.userId} = ${authors.authorId}`, published(posts), cursor ? after : undefined))
      .orderBy(...feedOrder)
      .limit(placeholder('depth'))
      .as('candidate');
    return db
      .select({ id: candidate.id, datePosted: candidate.datePosted })
      .from(authors.table)
      .crossJoinLateral(candidate)
      .where(authors.where)
      .orderBy(desc(candidate.datePosted), desc(candidate.id))
      .offset(placeholder('skip'))
      .limit(placeholder('limit'))
      .as('page');
  };

  const windowPage = (cursor: boolean) => {
    const recent = db
      .select({ id: posts.id, datePosted: posts.datePosted, userId: posts.userId })
      .from(posts)
      .where(and(published(posts), cursor ? after : undefined))
      .orderBy(...feedOrder)
      .limit(placeholder('window'))
      .as('recent');
    const inSet = db
      .select({ one: sql`1` })
      .from(authors.table)
      .where(and(authors.where, sql`${authors.authorId} = ${recent.userId}`));
    return db
      .select({ id: recent.id, datePosted: recent.datePosted })
      .from(recent)
      .where(exists(inSet))
      .orderBy(desc(recent.datePosted), desc(recent.id))
      .offset(placeholder('skip'))
      .limit(placeholder('limit'))
      .as('page');
  };

  const build = (cursor: boolean) => {
    const form = cursor ? 'after' : 'offset';
    return {
      window: prepare(`${name}_window_${form}`, pageRows(windowPage(cursor))),
      merge: prepare(`${name}_${form}`, pageRows(mergePage(cursor))),
    };
  };
  return { offset: build(false), after: build(true) };
}

export type AuthorsFeedStatements = ReturnType<typeof authorsFeedStatements>;

/** One page of such a feed; `values` fills the placeholders of the author set's `where`. */
export async function readAuthorsFeed(
  statements: AuthorsFeedStatements,
  window: PageWindow,
  values: Record<string, unknown>,
): Promise<PostWithAuthor[]> {
  const { form, parameters } = window.after
    ? {
        form: statements.after,
        parameters: {
          ...values,
          afterDate: window.after.at,
          afterId: window.after.id,
          depth: window.limit,
          skip: 0,
          limit: window.limit,
        },
      }
    : {
        form: statements.offset,
        parameters: { ...values, depth: window.skip + window.limit, skip: window.skip, limit: window.limit },
      };
  const found = await form.window.execute({
    ...parameters,
    window: Math.min(MAX_WINDOW, WINDOW_PER_ROW * parameters.depth),
  });
  return found.length === window.limit ? found : form.merge.execute(parameters);
}
